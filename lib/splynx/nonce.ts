/**
 * Nonces for one Splynx API key, in the units Splynx's own clients use, so that signing with this
 * tool never locks another integration out of the same key.
 *
 * - Header signatures: centiseconds since the epoch (the blueprint's `round(microtime(true)*100)`,
 *   the official PHP and Python clients), strictly increasing: max(last + 1, now). Past 100
 *   requests a second that runs ahead of the clock; see the README for how far a load pushes it.
 * - Token requests: the blueprint says seconds (`time()`), the official PHP client sends its
 *   centisecond nonce. Whether a real Splynx keeps one counter per key or one per channel is not
 *   documented. So a token request goes out in seconds first (harmless under either model), and in
 *   centiseconds, from the same counter as the header, once Splynx refused seconds: under one
 *   counter per key, seconds can never pass a centisecond nonce already accepted.
 *
 * One clock per Splynx URL and key in the process: every client on that key draws from it, so two
 * clients in one process never race each other into refusals.
 */
import { createHash } from 'node:crypto';

export const centiseconds = (ms = Date.now()) => Math.round(ms / 10);
export const seconds = (ms = Date.now()) => Math.floor(ms / 1000);

/**
 * How far ahead of our clock a key's last nonce may be and still be caught up with (jumped over):
 * an earlier run's drift, or another centisecond client a little ahead. One hour; beyond that the
 * nonce came from a larger unit, and jumping to it would lock out every centisecond client.
 */
export const CATCH_UP_LIMIT_CS = 60 * 60 * 100;

export type TokenNonceUnit = 'seconds' | 'centiseconds';

export class NonceClock {
  private last = 0;
  private lastSeconds = 0;
  /** Header and token nonces drawn from this clock. */
  issued = 0;
  /** The most the centisecond nonce has been ahead of the clock, in centiseconds. */
  maxLeadCs = 0;
  tokenUnit: TokenNonceUnit = 'seconds';
  /** Refusals in a row that neither a race nor a stated last nonce explains. */
  unexplained = 0;

  /** The next centisecond nonce. */
  next(): number {
    const now = centiseconds();
    this.last = Math.max(this.last + 1, now);
    this.issued++;
    this.maxLeadCs = Math.max(this.maxLeadCs, this.last - now);
    return this.last;
  }

  /** The next token-request nonce, in the unit that Splynx has not refused. */
  nextToken(): number {
    if (this.tokenUnit === 'centiseconds') return this.next();
    this.lastSeconds = Math.max(this.lastSeconds + 1, seconds());
    this.issued++;
    return this.lastSeconds;
  }

  /** The highest centisecond nonce issued so far. */
  get highest(): number {
    return this.last;
  }

  /** Splynx holds `n` as the key's last nonce: continue above it. */
  catchUp(n: number): void {
    this.last = Math.max(this.last, n);
  }

  /** The same for a token request's nonce in seconds. */
  catchUpSeconds(n: number): void {
    this.lastSeconds = Math.max(this.lastSeconds, n);
  }

  /** How far the last nonce issued is ahead of the clock now, in centiseconds. */
  leadCs(): number {
    return Math.max(0, this.last - centiseconds());
  }
}

const clocks = new Map<string, NonceClock>();

export function nonceClock(url: string, key: string): NonceClock {
  // The map holds a digest, not the key itself.
  const id = createHash('sha256').update(`${url}\n${key}`).digest('hex');
  let clock = clocks.get(id);
  if (!clock) clocks.set(id, (clock = new NonceClock()));
  return clock;
}

/** The last accepted nonce, where Splynx's refusal states it (the sandbox does; a real Splynx may not). */
export function statedLastNonce(message: string): number | null {
  const m = /last (?:accepted )?nonce\D{0,20}(\d+)/i.exec(message);
  return m ? Number(m[1]) : null;
}

/** What unit a nonce this far above a centisecond clock looks like it was made in. */
function unitOf(nonce: number, nowCs: number): string {
  const k = Math.round(Math.log10(nonce / nowCs));
  return (
    (
      { 1: 'milliseconds', 2: 'tenths of a millisecond', 3: 'hundredths of a millisecond', 4: 'microseconds', 7: 'nanoseconds' } as Record<
        number,
        string
      >
    )[k] ?? `a unit ${10 ** k} times smaller than centiseconds`
  );
}

/**
 * The one message for a key whose last nonce is ahead of the clock for good. `last` is null when
 * Splynx did not say; `channel` is which of our requests met it.
 */
export function aheadOfClockMessage(channel: 'signature' | 'token', last: number | null, nowCs = centiseconds()): string {
  const lead = last === null ? '' : ` (${last}, ${describeLead(last, nowCs)})`;
  const cause =
    last !== null && last > nowCs * 5
      ? `an earlier tool signed with ${unitOf(last, nowCs)}, and a centisecond nonce will never catch up with that`
      : 'an earlier tool signed with a larger unit than centiseconds, or with a clock far ahead';
  const wayOut =
    channel === 'signature'
      ? 'Way out: use token auth (SPLYNX_AUTH=token: one nonce per token, about every 30 minutes, which Splynx may count apart from signatures), or create a fresh API key in Splynx (Administration → API keys, with the same permissions) and put it in .env.'
      : 'Way out: create a fresh API key in Splynx (Administration → API keys, with the same permissions) and put it in .env.';
  return (
    `Splynx refuses every nonce we send: this API key's last accepted nonce${lead} is ahead of the clock, so ${cause}. ` +
    `${wayOut} Do not sign with a larger unit to get past it: that would lock every other integration out of the key.`
  );
}

function describeLead(last: number, nowCs: number): string {
  if (last > nowCs * 5) return `about ${Math.round(last / nowCs)} times the centisecond clock`;
  const s = (last - nowCs) / 100;
  return s >= 7200 ? `${Math.round(s / 3600)} hours ahead` : `${Math.round(s)} seconds ahead`;
}
