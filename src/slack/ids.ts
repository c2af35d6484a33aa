/**
 * Every Slack id smx uses, defined once and imported by both the Block Kit builders and the listener registrations.
 */
export const COMMAND = '/smx';

export const ACTION_IDS = {} as const;

export const CALLBACK_IDS = {} as const;

export const BLOCK_IDS = {} as const;
