/**
 * Request bodies: JSON, `application/x-www-form-urlencoded` and `multipart/form-data` (ticket and
 * document uploads). Form field names use PHP brackets (`message[message]`), so both form kinds are
 * turned into one query string and parsed by qs, exactly like the listing parameters.
 */
import qs from 'qs';
import type { SandboxRequest } from '../http.js';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface ParsedBody {
  fields: Record<string, unknown>;
  files: UploadedFile[];
}

export class BodyError extends Error {}

const formParse = (pairs: Array<[string, string]>) =>
  qs.parse(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'), {
    depth: 10,
    arrayLimit: 1000,
    parameterLimit: 10_000,
  }) as Record<string, unknown>;

function headerParam(header: string, name: string): string | undefined {
  const m = new RegExp(`${name}="([^"]*)"|${name}=([^;\\s]+)`, 'i').exec(header);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Just enough RFC 7578 for form fields and files; nested multiparts are not used by Splynx clients. */
function parseMultipart(body: Buffer, boundary: string): ParsedBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const pairs: Array<[string, string]> = [];
  const files: UploadedFile[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new BodyError('Malformed multipart body: boundary not found');
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // skip the CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const disposition = /content-disposition:([^\r\n]*)/i.exec(head)?.[1] ?? '';
      const name = headerParam(disposition, 'name');
      const filename = headerParam(disposition, 'filename');
      if (name !== undefined && filename !== undefined) {
        const contentType = /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream';
        files.push({ field: name, filename, contentType, size: content.length });
      } else if (name !== undefined) pairs.push([name, content.toString('utf8')]);
    }
    pos = next;
  }
  return { fields: formParse(pairs), files };
}

export function parseBody(req: SandboxRequest): ParsedBody {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (req.body.length === 0) return { fields: {}, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const boundary = headerParam(String(req.headers['content-type']), 'boundary');
    if (!boundary) throw new BodyError('Multipart body without a boundary');
    return parseMultipart(req.body, boundary);
  }
  if (type.startsWith('application/x-www-form-urlencoded'))
    return { fields: qs.parse(req.body.toString('utf8'), { depth: 10, arrayLimit: 1000 }) as Record<string, unknown>, files: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new BodyError('Request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BodyError('Request body must be a JSON object');
  return { fields: parsed as Record<string, unknown>, files: [] };
}
