/** Modals for posts: schedule (`/smx schedule` alone), reject reason, edit text. Pure builders. */
import type { InputBlock, View } from '@slack/types';
import { POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../ids';
import { truncate } from '../text';

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

export function editModal(shortId: string, revision: number, text: string, approved: boolean): View {
  return postModal(
    POST_CALLBACK_IDS.edit,
    `${shortId}:${revision}`,
    { title: `Edit ${shortId}`, submit: 'Save', close: 'Cancel' },
    [
      ...(approved
        ? [
            {
              type: 'context' as const,
              elements: [
                {
                  type: 'mrkdwn' as const,
                  text: ':warning: This post is approved. Saving an edit clears the approval; it needs approving again.',
                },
              ],
            },
          ]
        : []),
      input(POST_BLOCK_IDS.text, 'Text', {
        type: 'plain_text_input',
        action_id: POST_INPUT_IDS.text,
        multiline: true,
        initial_value: truncate(text, 3000),
      }),
    ],
  );
}
