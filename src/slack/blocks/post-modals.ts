/** Modals for posts: schedule (`/smx schedule` alone), reject reason, edit text. Pure builders. */
import type { InputBlock, View } from '@slack/types';
import { POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../ids';
import { splitUnits } from '../text';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The frame every post modal shares: ids, title and the two buttons around `blocks`. */
function postModal(
  callbackId: string,
  metadata: string,
  labels: { title: string; submit: string; close: string },
  blocks: View['blocks'],
): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: metadata,
    title: plain(labels.title),
    submit: plain(labels.submit),
    close: plain(labels.close),
    blocks,
  };
}

/** One labelled input block. */
function input(blockId: string, label: string, element: InputBlock['element'], optional = false): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    ...(optional ? { optional: true } : {}),
    label: plain(label),
    element,
  };
}

export function scheduleModal(
  targets: Array<{ name: string; label: string }>,
  initialDate: string,
  originChannel: string,
  initialTime = '09:00',
): View {
  const options = targets.map((t) => ({ text: plain(t.label), value: t.name }));
  return postModal(
    POST_CALLBACK_IDS.schedule,
    originChannel,
    { title: 'Schedule a post', submit: 'Send for approval', close: 'Cancel' },
    [
      input(POST_BLOCK_IDS.targets, 'Publish to', {
        type: 'checkboxes',
        action_id: POST_INPUT_IDS.targets,
        options,
        ...(options.length > 0 ? { initial_options: options } : {}),
      }),
      input(
        POST_BLOCK_IDS.now,
        'Timing',
        {
          type: 'checkboxes',
          action_id: POST_INPUT_IDS.now,
          options: [{ text: plain('Publish as soon as it is approved'), value: 'now' }],
        },
        true,
      ),
      input(
        POST_BLOCK_IDS.date,
        'Date',
        { type: 'datepicker', action_id: POST_INPUT_IDS.date, initial_date: initialDate },
        true,
      ),
      input(
        POST_BLOCK_IDS.time,
        'Time (hospital time zone)',
        { type: 'timepicker', action_id: POST_INPUT_IDS.time, initial_time: initialTime },
        true,
      ),
      input(POST_BLOCK_IDS.text, 'Text', {
        type: 'plain_text_input',
        action_id: POST_INPUT_IDS.text,
        multiline: true,
        placeholder: plain('Flu shots are free this week #FluSeason'),
      }),
    ],
  );
}

export function rejectModal(shortId: string, revision: number): View {
  return postModal(
    POST_CALLBACK_IDS.reject,
    `${shortId}:${revision}`,
    { title: `Reject ${shortId}`, submit: 'Reject', close: 'Back' },
    [
      input(POST_BLOCK_IDS.reason, 'Why? The author will see this.', {
        type: 'plain_text_input',
        action_id: POST_INPUT_IDS.reason,
        multiline: true,
        max_length: 500,
      }),
    ],
  );
}

/** Slack's limit for a plain_text_input's value (and `initial_value`). */
export const INPUT_MAX = 3000;

/** Block id of edit part `i` (0-based); part 0 keeps the single-input id so one-part edits look as before. */
export const editPartBlockId = (i: number) =>
  i === 0 ? POST_BLOCK_IDS.text : `${POST_BLOCK_IDS.text}_${i + 1}`;

const JOINERS: Record<string, string> = { n: '\n', s: ' ', e: '' };

/**
 * A text longer than one input can hold is edited in parts of at most 3,000 characters, cut at a line break or a
 * space. The break itself is kept out of both parts (Slack may trim an input's ends) and recorded in the modal's
 * metadata as one letter per seam (`n` line break, `s` space, `e` nothing), so saving joins them back exactly.
 */
export function editParts(text: string): { parts: string[]; seams: string } {
  const chunks = splitUnits(text, INPUT_MAX);
  let seams = '';
  const parts = chunks.map((c, i) => {
    if (i === chunks.length - 1) return c;
    const last = c.slice(-1);
    const seam = last === '\n' ? 'n' : last === ' ' ? 's' : 'e';
    seams += seam;
    return seam === 'e' ? c : c.slice(0, -1);
  });
  return { parts, seams };
}

/** The edited text from a submitted edit modal: the parts' values joined by the recorded seams. */
export function joinEditParts(values: (i: number) => string | undefined, seams: string): string {
  let text = values(0) ?? '';
  for (let i = 0; i < seams.length; i++) text += (JOINERS[seams[i] as string] ?? '') + (values(i + 1) ?? '');
  return text;
}

/** Edit modal metadata: `<shortId>:<revision>`, then `|<seams>` when the text is edited in parts. */
export function parseEditMetadata(metadata: string): { card: string; seams: string } {
  const bar = metadata.indexOf('|');
  if (bar < 0) return { card: metadata, seams: '' };
  const seams = metadata.slice(bar + 1);
  return { card: metadata.slice(0, bar), seams: /^[nse]{0,99}$/.test(seams) ? seams : '' };
}

export function editModal(shortId: string, revision: number, text: string, approved: boolean): View {
  const { parts, seams } = editParts(text);
  const many = parts.length > 1;
  const notes: string[] = [];
  if (approved)
    notes.push(
      ':warning: This post is approved. Saving an edit clears the approval; it needs approving again.',
    );
  if (many)
    notes.push(
      `This text is ${text.length.toLocaleString('en-US')} characters, more than one box holds: it is split into ${parts.length} parts, saved together as one text.`,
    );
  return postModal(
    POST_CALLBACK_IDS.edit,
    many ? `${shortId}:${revision}|${seams}` : `${shortId}:${revision}`,
    { title: `Edit ${shortId}`, submit: 'Save', close: 'Cancel' },
    [
      ...notes.map((n) => ({ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: n }] })),
      ...parts.map((part, i) =>
        input(editPartBlockId(i), many ? `Text, part ${i + 1} of ${parts.length}` : 'Text', {
          type: 'plain_text_input',
          action_id: POST_INPUT_IDS.text,
          multiline: true,
          max_length: INPUT_MAX,
          initial_value: part,
        }),
      ),
    ],
  );
}

/** The whole text of a post, read-only, in as many plain-text sections as it needs (nothing is escaped or cut). */
export function fullTextModal(shortId: string, text: string): View {
  const chunks = splitUnits(text, SECTION_PLAIN_LIMIT);
  return {
    type: 'modal',
    callback_id: POST_CALLBACK_IDS.fullText,
    title: plain(`Post ${shortId}`),
    close: plain('Close'),
    blocks: chunks.map((c) => ({
      type: 'section' as const,
      text: { type: 'plain_text' as const, text: c.trim() === '' ? ' ' : c, emoji: false },
    })),
  };
}

const SECTION_PLAIN_LIMIT = 2900;
