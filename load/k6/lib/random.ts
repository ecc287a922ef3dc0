import { randomBytes } from 'k6/crypto';

export function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function randomHex(bytes: number): string {
  return toHex(randomBytes(bytes));
}

/** An Idempotency-Key: 128 random bits, so two VUs never collide by accident. */
export function idempotencyKey(): string {
  return `k6-${randomHex(16)}`;
}
