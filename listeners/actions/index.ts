import type { App } from '@slack/bolt';
import type { SmxContext } from '../../src/context';

/** Adding a listener = one file in this folder + one line here. */
export function register(_app: App, _ctx: SmxContext): void {}
