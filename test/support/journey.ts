import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { loadConfig } from '../../bot/kernel/config';
import { silentLogger } from '../../bot/kernel/logger';
import { createRuntime, type Runtime } from '../../bot/runtime';
import { identifyCaller } from '../../bot/conversation/user';
import { submitReport } from '../../bot/incidents/submit';
import { demoPerson } from '../../scripts/playground/people';
import { applyDemoPartnershipIfEmpty } from '../../scripts/demoPartnership';
import { invocation, startLocalHost, type LocalHost } from '../../scripts/localFunctionsHost';
import { TIMER_FUNCTIONS } from '../../functions/registry';
import { ensureChromium } from '../../scripts/playground/ensureChromium';
import { CARD, fitCardsToViewport, unfitCards } from '../../scripts/playground/phoneWidth';
import { CHROMIUM_ARGS } from '../../scripts/playground/screenshot';
import { startPlayground, type RunningPlayground } from '../../scripts/playground/start';
import { adaptiveCards, PlaygroundClient, type Mark } from './playgroundClient';
import { freshStore } from './storage';

/**
 * Journeys through the real product in a real browser: the bot's handlers
 * behind the Microsoft 365 Agents Playground, whose web client (the same
 * Adaptive Cards renderer and the same invoke calls as Teams' web client)
 * is driven in headless Chromium. Buttons are clicked, fields typed and
 * choices picked on the rendered card, so a card that only works with a
 * hand-built activity fails here.
 *
 * One bot and one playground per demo person for a whole test file (each
 * playground types as its config's current user). A card posted
 * proactively to a channel appears in the playground that last opened that
 * channel: the bot stores one conversation reference (and service URL) per
 * conversation.
 */

/**
 * Screenshots go to docs/screenshots/ when UPDATE_SCREENSHOTS=1 (to refresh the pictures the README shows);
 * otherwise to a temporary folder, so an ordinary `npm test` leaves the working tree as it found it.
 */
export const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../docs/screenshots') : path.join(os.tmpdir(), 'concordat-journey-screenshots');
export const DESKTOP = { width: 1280, height: 860 } as const;
/** A common Android phone width; Teams mobile gives a card almost the whole width. */
export const PHONE = { width: 360, height: 740 } as const;


let pins = 0;

/**
 * A card is read or filled only once it has gone this long without a change: the playground draws an answer in one
 * or two React commits, and a commit landing after a field was filled would draw the card again, losing what was typed.
 */
const SETTLE_MS = 200;
/** How long a journey waits for something the bot or the playground should show (generous: CI machines are loaded). */
const SHOW_TIMEOUT_MS = 30_000;

/** The little of the DOM the journeys touch in the page (the project compiles without the DOM library). */
interface DomElement {
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  scrollIntoView(options: { block: 'start' }): void;
  readonly isConnected: boolean;
  readonly textContent: string | null;
  /** Set by watchChanges(): when the element's subtree last changed (page clock, ms). */
  journeyLastChange?: number;
}
const EDITOR = '[data-lexical-editor="true"]';

export type ChatName = 'Personal Chat' | 'Brinnington joint visit' | 'General' | 'Stockport Priorities and Alerts';

export interface JourneyWorld {
  runtime: Runtime;
  /** Moves the bot's clock forward (the browsers keep real time). */
  advance(ms: number): void;
  /**
   * Runs a timer function now, through the registry entry the Functions host (and the local host) call on its
   * schedule: a journey needs the access review today, not at 06:00 UTC.
   */
  runTimer(name: string): Promise<void>;
  host: LocalHost;
  browser: Browser;
  person(name: string): Person;
  /** Saves every person's screen and page HTML (for a failed journey) and returns the folder. */
  dump(label: string): Promise<string>;
  /** Every Universal Action verb clicked in any browser, in order. */
  readonly verbsClicked: string[];
  close(): Promise<void>;
}

export async function startJourneyWorld(people: readonly string[]): Promise<JourneyWorld> {
  ensureChromium();
  const { connectionString, prefix } = await freshStore();
  let offsetMs = 0;
  const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix }), silentLogger, () => new Date(Date.now() + offsetMs));
  await applyDemoPartnershipIfEmpty(runtime.ctx);
  await runtime.teams(); // the Teams layer loads on the first bot call: loaded in set-up, as a warm host has it
  const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0 });
  const playgrounds: RunningPlayground[] = [];
  const clients: PlaygroundClient[] = [];
  const verbsClicked: string[] = [];
  let browser: Browser | undefined;
  const byName = new Map<string, Person>();
  const close = async () => {
    await browser?.close().catch(() => {});
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await Promise.all(playgrounds.map((p) => p.stop()));
    await host.close();
  };
  try {
    // A few at a time: each playground is a Node process that takes seconds of CPU to start, and on a loaded
    // two-core machine starting them all at once left one unanswered past its start-up timeout.
    const started = await mapLimited(
      people,
      3,
      async (name) => {
        const pg = await startPlayground({
          botEndpoint: `${host.url}/api/messages`,
          port: 0,
          person: name, // scripts/playground/people.ts: that person is the playground's current user
          logDir: mkdtempSync(path.join(os.tmpdir(), 'journey-playground-')),
          startTimeoutMs: 60_000,
        });
        playgrounds.push(pg);
        const client = await PlaygroundClient.connect(pg.url);
        clients.push(client);
        return { name, pg, client };
      },
    );
    browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true });
    for (const { name, pg, client } of started) {
      const page = await browser.newPage({ viewport: DESKTOP });
      page.setDefaultTimeout(15_000);
      // JOURNEY_CPU_SLOWDOWN=N runs each tab's page N times slower (Chrome's CPU throttling): a loaded CI machine, on demand.
      const slowdown = Number(process.env.JOURNEY_CPU_SLOWDOWN ?? 1);
      if (slowdown > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: slowdown });
      const person = new Person(name, page, client, verbsClicked);
      await person.load(pg.url);
      byName.set(name, person);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    runtime,
    advance: (ms) => void (offsetMs += ms),
    async runTimer(name) {
      const timer = TIMER_FUNCTIONS.find((t) => t.name === name);
      if (!timer) throw new Error(`No timer function ${name}`);
      await timer.handler({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: undefined } as never, invocation(name, runtime), runtime);
    },
    async dump(label) {
      const dir = path.join(os.tmpdir(), 'journey-failures', label.replace(/[^a-z0-9]+/gi, '-').slice(0, 80));
      mkdirSync(dir, { recursive: true });
      for (const [name, p] of byName) {
        await p.page.screenshot({ path: path.join(dir, `${name}.png`) }).catch(() => {});
        writeFileSync(path.join(dir, `${name}.html`), await p.page.content().catch(() => ''));
      }
      return dir;
    },
    host,
    browser,
    verbsClicked,
    person(name) {
      const p = byName.get(name);
      if (!p) throw new Error(`No journey person ${name}`);
      return p;
    },
    close,
  };
}

/** `fn` over `items`, at most `limit` at once, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What a person sees and does in their own browser tab. */
export class Person {
  /** Taps (clicks on a button, field or choice) since the last resetTaps(): how much work a journey is. */
  taps = 0;
  /** Chats opened in this tab: the first opening installs the bot there; load() opens the personal chat. */
  private readonly visited = new Set<ChatName>(['Personal Chat']);

  constructor(
    readonly name: string,
    readonly page: Page,
    readonly client: PlaygroundClient,
    private readonly verbsClicked: string[],
  ) {}

  async load(url: string): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.page.locator(EDITOR).first().waitFor({ state: 'visible', timeout: 60_000 });
    // Opening the personal chat installs the bot, which welcomes the person; the playground opens its log panel then.
    await this.page.locator(CARD).first().waitFor({ state: 'visible', timeout: 60_000 });
    await this.closeLogPanel();
  }

  /**
   * The log panel covers the chat at phone width; the journeys read the bot's calls from the log stream instead.
   * Opening or closing it draws every card again, losing what was typed: close it before filling a card.
   */
  async closeLogPanel(): Promise<void> {
    if (await this.page.getByText('Log Panel', { exact: true }).isVisible()) await this.page.locator('button[title="Toggle Log Panel"]').click();
  }

  /** Opens a chat or channel from the left rail (opening one installs the bot there, as in Teams). */
  async open(chat: ChatName): Promise<void> {
    const label = chat === 'General' || chat === 'Stockport Priorities and Alerts' ? `Stockport Community Safety - ${chat}` : chat;
    const since = this.client.mark();
    await this.page.getByRole('treeitem', { name: label, exact: true }).click();
    await this.page.locator(EDITOR).first().waitFor({ state: 'visible' });
    if (this.visited.has(chat)) return;
    this.visited.add(chat);
    // The first visit installs the bot there; the playground may then open its log panel, drawing the chat again.
    await this.client
      .waitForTurn((t) => t.activity.type === 'installationUpdate', { since, timeoutMs: SHOW_TIMEOUT_MS })
      .catch((err: Error) => {
        throw new Error(`${this.name}: opening "${chat}" for the first time did not install the bot (no installationUpdate answered): ${err.message}`);
      });
    // Wait for the page to stand still after the install's answer (the panel open, the welcome drawn), then close the
    // panel. A page that never stands still (a stream of log lines) is not a failure here: say() and card() close the
    // panel and wait for still cards themselves.
    const page = (await this.page.locator('body').elementHandle())!;
    await page.evaluate(watchChanges);
    const answeredAt = (await this.page.evaluate('performance.now()')) as number;
    await this.page
      .waitForFunction(
        ({ el, after, settleMs }: { el: DomElement; after: number; settleMs: number }) => performance.now() - Math.max(el.journeyLastChange ?? 0, after) >= settleMs,
        { el: page, after: answeredAt, settleMs: 300 },
        { timeout: 10_000, polling: 50 },
      )
      .catch(() => {});
    await page.dispose();
    await this.closeLogPanel();
  }

  /** Types a message and sends it. In a channel, `mention` @mentions the bot first, as Teams requires. */
  async say(text: string, opts: { mention?: boolean } = {}): Promise<void> {
    await this.closeLogPanel();
    await this.markSeen();
    const editor = this.page.locator(EDITOR).first();
    await editor.click();
    if (opts.mention) {
      await this.page.keyboard.type('@Concordat');
      await this.page.locator('#typeahead-menu').getByRole('menuitem', { name: /Concordat/ }).first().click();
      await this.page.keyboard.type(' ');
    }
    await this.page.keyboard.type(text);
    // A channel starts a new post with the Post button; a chat sends on Enter.
    const post = this.page.getByRole('button', { name: 'Post', exact: true });
    if (await post.isVisible()) await post.click();
    else await this.page.keyboard.press('Enter');
  }

  /**
   * The newest card on screen whose text matches, among those drawn since the last message sent or button
   * clicked (the clicked card's answer replaces it), pinned: a card the bot posts later (a reminder, a notice)
   * does not take its place while the journey is filling it in. Channels list the newest post first, so
   * "since" is a mark on the cards already there, not a position.
   */
  async card(text: string | RegExp, opts: { timeoutMs?: number; anyTime?: boolean } = {}): Promise<Locator> {
    const found = this.page
      .locator(opts.anyTime ? CARD : `${CARD}:not([data-seen])`)
      .filter({ hasText: text })
      .last();
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    for (;;) {
      await found.waitFor({ state: 'visible', timeout: Math.max(deadline - Date.now(), 1) });
      const pin = `pin-${++pins}`;
      await found.evaluate((el: DomElement, id: string) => el.setAttribute('data-pin', id), pin);
      const pinned = this.page.locator(`[data-pin="${pin}"]`);
      try {
        await this.settled(pinned, `the card showing ${String(text)}`);
        return pinned;
      } catch (err) {
        // The chat was drawn anew (a dialog closed, the log panel toggled) while the card settled: find it again.
        if (!(err instanceof CardLeftPage) || Date.now() > deadline) throw err;
      }
    }
  }

  /**
   * Waits until `card` shows every text of one of `expected()` (asked again on each look: an update of the message may
   * arrive while waiting) and has not changed for SETTLE_MS since `afterPageMs` (page clock). Fails with what was
   * awaited, what is missing and what the card reads; CardLeftPage if it left the page.
   */
  private async settled(card: Locator, what: string, opts: { expected?: () => string[][]; afterPageMs?: number } = {}): Promise<void> {
    const handle = await card.elementHandle({ timeout: SHOW_TIMEOUT_MS });
    if (!handle) throw new Error(`${this.name}: ${what} is not on the page`);
    try {
      await handle.evaluate(watchChanges);
      const deadline = Date.now() + SHOW_TIMEOUT_MS;
      for (;;) {
        const state = await handle.evaluate((el: DomElement) => ({
          connected: el.isConnected,
          text: el.textContent ?? '',
          stillFor: performance.now() - (el.journeyLastChange ?? 0),
          now: performance.now(),
        }));
        if (!state.connected) throw new CardLeftPage(`${this.name}: waiting for ${what}, the card left the page (the chat was drawn anew)`);
        const shown = state.text.replace(/\s+/g, '');
        const alternatives = opts.expected?.() ?? [[]];
        const missing = alternatives.map((texts) => texts.filter((t) => !shown.includes(t)));
        const still = Math.min(state.stillFor, state.now - (opts.afterPageMs ?? 0)) >= SETTLE_MS;
        if (still && missing.some((m) => m.length === 0)) return;
        if (Date.now() > deadline) {
          const why = missing.every((m) => m.length > 0)
            ? `it still lacks ${missing.map((m) => m.map((t) => JSON.stringify(t)).join(', ')).join(' (or) ')}`
            : `it kept changing (never still for ${SETTLE_MS} ms)`;
          throw new Error(`${this.name}: waited ${SHOW_TIMEOUT_MS} ms for ${what}, but ${why}. The card reads: "${state.text.replace(/\s+/g, ' ').trim().slice(0, 400)}"`);
        }
        await this.page.waitForTimeout(50);
      }
    } finally {
      await handle.dispose();
    }
  }

  /** Marks every card on screen as seen (so card() waits for a new one), except `keep`. */
  private async markSeen(keep?: Locator): Promise<void> {
    await this.page.evaluate(`document.querySelectorAll(${JSON.stringify(CARD)}).forEach((el) => el.setAttribute('data-seen', '1'))`);
    await keep?.evaluate((el: DomElement) => el.removeAttribute('data-seen'));
  }

  /**
   * Clicks a card button by its title and waits for the bot to answer the invoke (or the submit). `row`: the
   * button on the line of a list that shows this text (a people list has a "Manage" on every line).
   */
  async click(card: Locator, title: string | RegExp, opts: { row?: string } = {}): Promise<void> {
    const since = this.client.mark();
    this.taps++;
    await this.markSeen(card);
    const button = (within: Locator | Page) => within.getByRole('button', { name: title, exact: typeof title === 'string' });
    // Teams' renderer draws a column set as plain containers: the line is the innermost one holding both the text and the button.
    const scope = opts.row ? card.locator('.ac-container').filter({ hasText: opts.row }).filter({ has: button(this.page) }).last() : card;
    // Watch the card from before the click, so a change drawn before the bot's answer reaches the log still counts.
    await card.evaluate(watchChanges);
    await button(scope).first().click();
    const answer = await this.waitForInvoke(since);
    if (answer.verb) this.verbsClicked.push(answer.verb);
    // Teams (and the playground) draw the invoke's answer card in place of the one clicked: wait until it is drawn
    // and still. If the bot then updated the message for everyone (an acknowledged channel alert), the update is shown.
    const answeredAt = (await this.page.evaluate('performance.now()')) as number;
    await this.settled(card, `the answer to "${String(title)}"${answer.verb ? ` (${answer.verb})` : ''} drawn in place of the clicked card`, {
      expected: () => [
        answer.card ? plainTexts(answer.card) : [],
        ...this.client.messages(since).flatMap((e) => (e.action === 'updateMessage' ? adaptiveCards(e.message).map(plainTexts) : [])),
      ],
      afterPageMs: answeredAt,
    });
  }

  /** Clicks a button that only changes the card in the client (Action.ToggleVisibility, Action.ShowCard). */
  async reveal(card: Locator, title: string | RegExp): Promise<void> {
    this.taps++;
    await card.getByRole('button', { name: title, exact: typeof title === 'string' }).first().click();
  }

  async fill(card: Locator, label: string | RegExp, value: string): Promise<void> {
    this.taps++;
    await card.getByLabel(labelled(label)).first().fill(value);
  }

  /** Picks an option of a compact choice set (a drop-down list): open it, pick. */
  async choose(card: Locator, label: string | RegExp, option: string | RegExp): Promise<void> {
    const exact = typeof option === 'string';
    this.taps += 2;
    await card.getByRole('combobox', { name: labelled(label) }).first().click();
    // A single choice is an option; each choice of a multi-select is a menu item with a check box.
    await this.page.getByRole('option', { name: option, exact }).or(this.page.getByRole('menuitemcheckbox', { name: option, exact })).first().click();
    // Close the list by clicking the card's empty corner: Escape would undo a multi-select's picks.
    await card.click({ position: { x: 4, y: 4 } });
  }

  /**
   * Picks a day in an Input.Date's calendar (the `nth` field with this label). The calendar opens on today's month
   * (or the field's date): it steps back for a day before today, forward for one after.
   */
  async pickDate(card: Locator, label: string | RegExp, date: { year: number; month: number; day: number }, nth = 0): Promise<void> {
    this.taps += 2;
    await card.getByRole('combobox', { name: labelled(label) }).nth(nth).click();
    const dialog = this.page.getByRole('dialog').last();
    const monthName = new Date(Date.UTC(date.year, date.month - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
    const day = dialog.getByRole('button', { name: `${date.day}, ${monthName}, ${date.year}`, exact: true });
    const past = Date.UTC(date.year, date.month - 1, date.day) < Date.now() - 86_400_000;
    for (let i = 0; i < 24 && !(await day.isVisible()); i++) {
      this.taps++;
      await dialog.locator(past ? 'button[title^="Previous month"]' : 'button[title^="Next month"]').click();
    }
    await day.click();
  }

  /** Picks a time from an Input.Time's list, e.g. "10:00 AM" (the `nth` field with this label). */
  async pickTime(card: Locator, label: string | RegExp, time: string, nth = 0): Promise<void> {
    this.taps += 2;
    await card.getByRole('combobox', { name: labelled(label) }).nth(nth).click();
    await this.page.getByRole('option', { name: time, exact: true }).first().click();
  }

  /** Ticks a toggle, a radio button or a check box of an expanded choice set. */
  async tick(card: Locator, label: string | RegExp): Promise<void> {
    this.taps++;
    // A choice's accessible name is its choice set's label followed by its own title.
    const name = typeof label === 'string' ? new RegExp(`(^|\\s)${escapeRegExp(label)}$`) : label;
    await card.getByRole('checkbox', { name }).or(card.getByRole('radio', { name })).or(card.getByRole('switch', { name })).first().check();
  }

  /**
   * Waits for the bot's answer to the card action just clicked: Action.Execute is an `adaptiveCard/action` invoke,
   * whose answer the playground logs once the bot has replied. Returns its verb and the card it answered with.
   */
  private async waitForInvoke(since: Mark): Promise<{ verb?: string; card?: unknown }> {
    const turn = await this.client
      .waitForTurn((t) => t.activity.type === 'invoke' && t.activity.name === 'adaptiveCard/action', { since, timeoutMs: SHOW_TIMEOUT_MS })
      .catch((err: Error) => {
        throw new Error(`${this.name}: no card action reached the bot within ${SHOW_TIMEOUT_MS} ms of the click (a client-side error in the card?): ${err.message}`);
      });
    const verb = (turn.activity.value as { action?: { verb?: string } } | undefined)?.action?.verb;
    if (turn.statusCode >= 300) throw new Error(`The bot answered ${turn.statusCode} to ${verb}`);
    const answer = turn.responseBody as { type?: string; value?: unknown } | undefined;
    return { verb, card: answer?.type === ADAPTIVE_CARD ? answer.value : undefined };
  }

  /** Screenshots of what this person sees now: desktop and phone width, into docs/screenshots/. */
  async shoot(name: string, focus?: Locator): Promise<{ desktop: string; phone: string }> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const desktop = path.join(SCREENSHOT_DIR, `${name}-desktop.png`);
    const phone = path.join(SCREENSHOT_DIR, `${name}-phone.png`);
    await this.closeLogPanel();
    await focus?.scrollIntoViewIfNeeded();
    await this.page.screenshot({ path: desktop });
    await this.atPhoneWidth(async () => {
      await focus?.evaluate((el: DomElement) => el.scrollIntoView({ block: 'start' }));
      await this.page.screenshot({ path: phone });
    });
    return { desktop, phone };
  }

  /**
   * A high-contrast screenshot at phone width: the page drawn with forced colours (what Windows' and Teams' high
   * contrast themes do to a web client). The Agents Playground (0.2.28) has no dark theme of its own to switch to.
   */
  async shootContrast(name: string, focus?: Locator): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name}-contrast-phone.png`);
    await this.closeLogPanel();
    await this.page.emulateMedia({ forcedColors: 'active', colorScheme: 'dark' });
    try {
      await this.atPhoneWidth(async () => {
        await focus?.evaluate((el: DomElement) => el.scrollIntoView({ block: 'start' }));
        await this.page.screenshot({ path: file });
      });
    } finally {
      await this.page.emulateMedia({ forcedColors: 'none', colorScheme: 'light' });
    }
    return file;
  }

  /**
   * What a person on a phone could not reach or read on this card: each button, field or line of text drawn
   * (partly) beyond the screen's right edge, and each line of text cut short (wider than its box). Empty when the
   * whole card fits a phone.
   */
  async unreachableAtPhoneWidth(card: Locator): Promise<string[]> {
    return this.atPhoneWidth(() =>
      card.evaluate((root: DomElement, selector: string) => {
        type Box = { right: number; left: number; width: number };
        type El = { getBoundingClientRect(): Box; scrollWidth: number; clientWidth: number; textContent: string | null; getAttribute(n: string): string | null; tagName: string };
        const width = (globalThis as unknown as { innerWidth: number }).innerWidth;
        const found: string[] = [];
        for (const el of (root as unknown as { querySelectorAll(s: string): Iterable<El> }).querySelectorAll(selector)) {
          const box = el.getBoundingClientRect();
          if (box.width === 0) continue; // folded away (a ShowCard, a hidden part)
          const what = `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60)}"`;
          if (box.right > width + 1 || box.left < -1) found.push(`${what} runs off the screen (${Math.round(box.left)}..${Math.round(box.right)} of ${width} px)`);
          else if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'BUTTON') found.push(`${what} is cut short (${el.scrollWidth} px of text in ${el.clientWidth} px)`);
        }
        return found;
      }, 'button, input, textarea, [role="combobox"], .ac-textBlock'),
    );
  }

  /** Runs `fn` with the page at phone width, the cards fitted to it, then restores the desktop size. */
  async atPhoneWidth<T>(fn: () => Promise<T>): Promise<T> {
    // Nested (a journey done on a phone takes a phone screenshot): fit the cards drawn since, stay at phone width.
    if (this.onPhone) {
      await fitCardsToViewport(this.page);
      return fn();
    }
    this.onPhone = true;
    await this.page.setViewportSize(PHONE);
    await fitCardsToViewport(this.page);
    try {
      return await fn();
    } finally {
      this.onPhone = false;
      await unfitCards(this.page);
      await this.page.setViewportSize(DESKTOP);
    }
  }
  private onPhone = false;

  /** The rendered height of a card at phone width, in CSS pixels, and its width. */
  async cardSizeAtPhoneWidth(card: Locator): Promise<{ width: number; height: number }> {
    return this.atPhoneWidth(async () => {
      const box = await card.boundingBox();
      if (!box) throw new Error('card not rendered');
      return { width: Math.round(box.width), height: Math.round(box.height) };
    });
  }
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export interface FiledReport {
  category: string;
  area: string;
  district: string;
  /** Comma-separated organisation ids it is shared with. */
  sharedWith: string;
  summary: string;
  /** Days before the bot's today it happened (UK date), at 10:00. */
  daysAgo: number;
}

/**
 * Reports stored through the same use case the report card's Submit calls (the browser journey of reporting is in
 * test/journeys.test.ts): search and hotspot journeys need several, on earlier days, which would be minutes of typing.
 * Returns their references, in order.
 */
export async function fileReports(world: JourneyWorld, name: string, reports: readonly FiledReport[]): Promise<string[]> {
  const ctx = world.runtime.ctx;
  const who = demoPerson(name);
  const caller = await identifyCaller(ctx, { aadObjectId: who.aadObjectId, name: who.name, tenantId: who.tenantId });
  const references: string[] = [];
  for (const r of reports) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.config.timeZone }).format(new Date(ctx.clock().getTime() - r.daysAgo * 86_400_000));
    const card = await submitReport(ctx, caller, {
      submissionId: randomUUID(), category: r.category, hateCrimeStrand: '', borough: 'stockport', area: r.area, postcodeDistrict: r.district,
      fullAddress: '', occurredDate: day, occurredTime: '10:00', summary: r.summary, details: '', victims: '0', suspects: '1', witnesses: '0',
      vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard', actions: 'none-yet', sharedWith: r.sharedWith, marking: 'OFFICIAL-SENSITIVE',
    });
    const recorded = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(JSON.stringify(card));
    if (!recorded) throw new Error(`${name}'s report "${r.summary}" was not recorded: ${JSON.stringify(card).slice(0, 300)}`);
    references.push(recorded[1]!);
  }
  return references;
}

/** The card being waited for left the page: the chat was drawn anew, and a new element shows it now. */
class CardLeftPage extends Error {}

/** The page's MutationObserver, as far as watchChanges() uses it (the project compiles without the DOM library). */
declare const MutationObserver: new (callback: (records: { type: string; attributeName: string | null }[]) => void) => {
  observe(target: DomElement, options: { subtree: boolean; childList: boolean; characterData: boolean; attributes: boolean }): void;
};

/**
 * Records in the element when its subtree last changed (page clock), so a wait can ask for "still for N ms".
 * Runs in the page; installing it twice is harmless. The journeys' own marks (data-seen, data-pin) are not changes.
 */
function watchChanges(el: DomElement): void {
  if (el.journeyLastChange !== undefined) return;
  el.journeyLastChange = performance.now();
  new MutationObserver((records) => {
    if (records.some((r) => r.type !== 'attributes' || !/^data-(seen|pin)$/.test(r.attributeName ?? ''))) el.journeyLastChange = performance.now();
  }).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
}

/**
 * The texts a card shows wherever it is drawn, whitespace removed: its visible TextBlocks (not folded away, not in a
 * ShowCard) whose text has no markdown or template syntax the renderer would change.
 */
function plainTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const el = node as { type?: unknown; isVisible?: unknown; text?: unknown; body?: unknown; items?: unknown; columns?: unknown; rows?: unknown; cells?: unknown };
    if (el.isVisible === false) return;
    if (el.type === 'TextBlock' && typeof el.text === 'string' && PLAIN.test(el.text) && !LIST_ITEM.test(el.text)) out.push(el.text.replace(/\s+/g, ''));
    for (const child of [el.body, el.items, el.columns, el.rows, el.cells]) walk(child);
  };
  walk(card);
  return out.filter((t) => t.length > 0);
}
const PLAIN = /^[^*_`~#>[\]{}<&\\|]*$/;
const LIST_ITEM = /^\s*([-+]|\d+\.)\s/m;

/** A field's accessible name starts with its label (a required field's adds " *" and more). */
function labelled(label: string | RegExp): RegExp {
  return typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}`) : label;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
