/**
 * Slack's three-step file upload, called directly: files.getUploadURLExternal → POST the bytes to the returned
 * upload_url → files.completeUploadExternal. @slack/web-api's filesUploadV2 sends the image description as
 * `alt_text`, but files.getUploadURLExternal defines it as `alt_txt` (see its method spec), so through the SDK helper
 * charts reached Slack without their alt text.
 */
import type { WebClient } from '@slack/web-api';

export interface FileToUpload {
  bytes: Buffer;
  filename: string;
  title: string;
  /** What a screen reader says: the finding, not "chart". Slack's limit is 1000 characters. */
  altText: string;
}

const ALT_TXT_MAX = 1000;

interface UploadUrlAnswer {
  upload_url?: string;
  file_id?: string;
}

/** Uploads the files and shares them in one message in `channel`, with `comment` as its text. */
export async function uploadFiles(
  client: WebClient,
  channel: string,
  files: FileToUpload[],
  comment: string,
): Promise<void> {
  const uploaded: Array<{ id: string; title: string }> = [];
  for (const f of files) {
    const answer = (await client.apiCall('files.getUploadURLExternal', {
      filename: f.filename,
      length: f.bytes.length,
      alt_txt: f.altText.slice(0, ALT_TXT_MAX),
    })) as UploadUrlAnswer;
    if (!answer.upload_url || !answer.file_id) {
      throw new Error('files.getUploadURLExternal answered without upload_url or file_id');
    }
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(f.bytes)]), f.filename);
    const res = await fetch(answer.upload_url, { method: 'POST', body: form });
    if (res.status !== 200) throw new Error(`uploading ${f.filename} failed with HTTP ${res.status}`);
    await res.arrayBuffer();
    uploaded.push({ id: answer.file_id, title: f.title });
  }
  await client.files.completeUploadExternal({
    files: uploaded as [{ id: string; title: string }],
    channel_id: channel,
    initial_comment: comment,
  });
}
