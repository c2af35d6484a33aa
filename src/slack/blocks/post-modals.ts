/** Modals for posts: schedule (`/smx schedule` alone), reject reason, edit text. Pure builders. */
import type { View } from '@slack/types';
import { POST_BLOCK_IDS, POST_CALLBACK_IDS, POST_INPUT_IDS } from '../ids';
import { truncate } from '../text';

export function scheduleModal(
  targets: Array<{ name: string; label: string }>,
  initialDate: string,
  originChannel: string,
): View {
  const options = targets.map((t) => ({
    text: { type: 'plain_text' as const, text: t.label },
    value: t.name,
  }));
  return {
    type: 'modal',
    callback_id: POST_CALLBACK_IDS.schedule,
    private_metadata: originChannel,
    title: { type: 'plain_text', text: 'Schedule a post' },
    submit: { type: 'plain_text', text: 'Send for approval' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.targets,
        label: { type: 'plain_text', text: 'Publish to' },
        element: {
          type: 'checkboxes',
          action_id: POST_INPUT_IDS.targets,
          options,
          ...(options.length > 0 ? { initial_options: options } : {}),
        },
      },
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.now,
        optional: true,
        label: { type: 'plain_text', text: 'Timing' },
        element: {
          type: 'checkboxes',
          action_id: POST_INPUT_IDS.now,
          options: [
            { text: { type: 'plain_text', text: 'Publish as soon as it is approved' }, value: 'now' },
          ],
        },
      },
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.date,
        optional: true,
        label: { type: 'plain_text', text: 'Date' },
        element: { type: 'datepicker', action_id: POST_INPUT_IDS.date, initial_date: initialDate },
      },
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.time,
        optional: true,
        label: { type: 'plain_text', text: 'Time (hospital time zone)' },
        element: { type: 'timepicker', action_id: POST_INPUT_IDS.time, initial_time: '09:00' },
      },
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.text,
        label: { type: 'plain_text', text: 'Text' },
        element: {
          type: 'plain_text_input',
          action_id: POST_INPUT_IDS.text,
          multiline: true,
          placeholder: { type: 'plain_text', text: 'Flu shots are free this week #FluSeason' },
        },
      },
    ],
  };
}

export function rejectModal(shortId: string, revision: number): View {
  return {
    type: 'modal',
    callback_id: POST_CALLBACK_IDS.reject,
    private_metadata: `${shortId}:${revision}`,
    title: { type: 'plain_text', text: `Reject ${shortId}` },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.reason,
        label: { type: 'plain_text', text: 'Why? The author will see this.' },
        element: {
          type: 'plain_text_input',
          action_id: POST_INPUT_IDS.reason,
          multiline: true,
          max_length: 500,
        },
      },
    ],
  };
}

export function editModal(shortId: string, revision: number, text: string, approved: boolean): View {
  return {
    type: 'modal',
    callback_id: POST_CALLBACK_IDS.edit,
    private_metadata: `${shortId}:${revision}`,
    title: { type: 'plain_text', text: `Edit ${shortId}` },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
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
      {
        type: 'input',
        block_id: POST_BLOCK_IDS.text,
        label: { type: 'plain_text', text: 'Text' },
        element: {
          type: 'plain_text_input',
          action_id: POST_INPUT_IDS.text,
          multiline: true,
          initial_value: truncate(text, 3000),
        },
      },
    ],
  };
}
