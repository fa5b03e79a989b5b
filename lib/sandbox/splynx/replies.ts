/** Splynx's answers: the error envelope for everything but validation, Yii2's array for 422. */
import type { Reply } from '../http.js';
import type { FieldError } from './entity.js';

export function errorReply(status: number, internalCode: string, message: string, headers?: Record<string, string>): Reply {
  return { status, headers, body: { error: { message, code: status, internal_code: internalCode } } };
}

export const notFound = (message = 'Not found') => errorReply(404, 'NOT_FOUND', message);
export const badInput = (message: string) => errorReply(400, 'INVALID_INPUT_DATA', message);
export const methodNotAllowed = (method: string) => errorReply(405, 'METHOD_NOT_ALLOWED', `Method ${method} is not allowed here`);
export const unauthorized = (internalCode: string, message: string) => errorReply(401, internalCode, message);
export const invalid = (errors: FieldError[]): Reply => ({ status: 422, body: errors });
export const created = (body: unknown): Reply => ({ status: 201, body });
export const accepted = (): Reply => ({ status: 202 });
export const noContent = (): Reply => ({ status: 204 });
export const ok = (body: unknown): Reply => ({ status: 200, body });
