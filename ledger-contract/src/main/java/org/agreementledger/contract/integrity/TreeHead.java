package org.agreementledger.contract.integrity;

import java.util.Base64;
import java.util.List;

/**
 * The body of a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the log's origin, the number of leaves, and the
 * root hash of the RFC 9162 tree over them (standard padded base64), one per line, each ending in a newline. Signed
 * as a {@link SignedNote}. This log adds no extension lines.
 */
public record TreeHead(String origin, long size, byte[] rootHash) {

    public TreeHead {
        if (origin == null || origin.isEmpty() || origin.contains("\n") || origin.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a checkpoint's origin is one line of text");
        }
        if (size < 0) {
            throw new IllegalArgumentException("a tree has 0 or more leaves");
        }
        if (rootHash.length != MerkleTree.HASH_LENGTH) {
            throw new IllegalArgumentException("a root hash is 32 bytes");
        }
        rootHash = rootHash.clone();
    }

    /** The checkpoint's text, the part a signature covers. */
    public String text() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    /** Reads the first three lines of a checkpoint's text; extension lines after them are allowed and not read. */
    public static TreeHead parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.size() < 3 || !text.endsWith("\n")) {
            throw new IllegalArgumentException("a checkpoint's text is origin, size and root hash, one per line");
        }
        String size = lines.get(1);
        if (!size.matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("a checkpoint's size is a decimal number without leading zeros");
        }
        return new TreeHead(lines.get(0), Long.parseLong(size), SignedNote.decodeBase64(lines.get(2)));
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }
}
