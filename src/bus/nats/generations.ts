/**
 * A map that forgets without bookkeeping per entry: two generations of up to `size` entries each. When
 * the young one is full it becomes the old one, and the old one is dropped. (An LRU cache cost twice a
 * SHA-256 in its bookkeeping, 1.9 µs per new key.) For answers worth keeping a little while, where a
 * forgotten one is only slower to get again.
 */
export class Generations<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(private readonly size: number) {}

  get(key: K): V | undefined {
    return this.#young.get(key) ?? this.#old.get(key);
  }

  set(key: K, value: V): void {
    this.#young.set(key, value);
    if (this.#young.size >= this.size) {
      this.#old = this.#young;
      this.#young = new Map();
    }
  }

  delete(key: K): void {
    this.#young.delete(key);
    this.#old.delete(key);
  }
}
