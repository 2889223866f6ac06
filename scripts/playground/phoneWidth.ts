import type { Page } from 'playwright-core';

/** An Adaptive Card as the Agents Playground renders it. */
export const CARD = '.ac-adaptiveCard';

/**
 * The playground is a desktop web app (its chat pane has a 600 px minimum
 * width). At phone width the chat pane and each card's containers are let
 * shrink to the viewport, as Teams mobile lays a card out across the
 * screen; the card's own layout is untouched.
 */
export async function fitCardsToViewport(page: Page): Promise<void> {
  // Browser-side code, as source text: the project compiles without the DOM library.
  await page.evaluate(`(() => {
    // The conversation list and app bar: a phone shows one pane at a time, so they are hidden for the picture.
    for (const sel of ['[role=treeitem]', 'button[aria-label="Chat"]']) {
      let pane = document.querySelector(sel);
      while (pane && pane.parentElement && pane.parentElement.getBoundingClientRect().width < window.innerWidth * 0.9) pane = pane.parentElement;
      if (pane) { pane.dataset.phoneHidden = pane.style.display || 'unset'; pane.style.setProperty('display', 'none', 'important'); }
    }
    const fitted = [];
    for (const el of document.querySelectorAll('body *')) {
      if (parseFloat(getComputedStyle(el).minWidth) > window.innerWidth) fitted.push(el);
    }
    for (const card of document.querySelectorAll(${JSON.stringify(CARD)})) {
      let el = card;
      while (el && el.getBoundingClientRect().width > window.innerWidth - 1) {
        fitted.push(el);
        el = el.parentElement;
      }
    }
    for (const el of fitted) {
      el.dataset.phoneFit = '1';
      for (const [k, v] of [['width', '100%'], ['max-width', '100%'], ['min-width', '0'], ['box-sizing', 'border-box'], ['flex-shrink', '1']]) {
        el.style.setProperty(k, v, 'important');
      }
    }
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll('body *')) if (el.scrollLeft) el.scrollLeft = 0;
  })()`);
  await page.waitForTimeout(100);
}

export async function unfitCards(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    for (const el of document.querySelectorAll('[data-phone-hidden]')) {
      el.style.removeProperty('display');
      delete el.dataset.phoneHidden;
    }
    for (const el of document.querySelectorAll('[data-phone-fit]')) {
      for (const k of ['width', 'max-width', 'min-width', 'box-sizing', 'flex-shrink']) el.style.removeProperty(k);
      delete el.dataset.phoneFit;
    }
  })()`);
}
