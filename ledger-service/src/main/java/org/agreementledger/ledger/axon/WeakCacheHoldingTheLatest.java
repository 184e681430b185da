package org.agreementledger.ledger.axon;

import org.axonframework.common.caching.WeakReferenceCache;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Axon's weakly held cache, which also holds the few entries used last strongly. A weak entry goes at the first full
 * collection, and with the stack's small heap a full collection came every 20-odd commands of large transfers: each
 * cleared the agreement being worked on, the next command reloaded it from its snapshot (2.4 MB of JSON at 10,000
 * transfers), and what that allocated hastened the next full collection (docs/benchmarks.md, run Z6). Held strongly,
 * the agreements in use stay; the rest go as before. What it can hold at worst is {@code latest} agreements.
 */
public final class WeakCacheHoldingTheLatest extends WeakReferenceCache {

    private final Map<Object, Object> latest;

    public WeakCacheHoldingTheLatest(int latest) {
        this.latest = new LinkedHashMap<>(latest + 1, 1f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Object> eldest) {
                return size() > latest;
            }
        };
    }

    @Override
    public <K, V> V get(K key) {
        V value = super.get(key);
        hold(key, value);
        return value;
    }

    @Override
    public void put(Object key, Object value) {
        super.put(key, value);
        hold(key, value);
    }

    @Override
    public boolean putIfAbsent(Object key, Object value) {
        boolean put = super.putIfAbsent(key, value);
        if (put) {
            hold(key, value);
        }
        return put;
    }

    @Override
    public boolean remove(Object key) {
        synchronized (latest) {
            latest.remove(key);
        }
        return super.remove(key);
    }

    @Override
    public void removeAll() {
        synchronized (latest) {
            latest.clear();
        }
        super.removeAll();
    }

    private void hold(Object key, Object value) {
        if (value != null) {
            synchronized (latest) {
                latest.put(key, value);
            }
        }
    }
}
