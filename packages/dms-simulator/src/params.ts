import type { Result } from 'yaml-files';
import { paramValue, type Param } from './encoding.js';
import { gatewayError, type GatewayError } from './errors.js';

// Reading action parameters (query and form body, decoded). A value of the wrong type or outside its
// set is the gateway's InvalidParameter; an empty value counts as absent.

export type ParamResult<T> = Result<T, GatewayError>;

function invalid(detail: string): { ok: false; error: GatewayError } {
  return { ok: false, error: gatewayError('InvalidParameter', detail) };
}

/** The value of `name`, or undefined when it is absent or empty. */
export function optionalText(params: readonly Param[], name: string): string | undefined {
  const value = paramValue(params, name);
  return value === undefined || value === '' ? undefined : value;
}

/** A positive whole number (up to 16 digits and a safe integer), or undefined. */
export function positiveInteger(text: string): number | undefined {
  if (!/^[0-9]{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function optionalPositive(params: readonly Param[], name: string): ParamResult<number | undefined> {
  const text = optionalText(params, name);
  if (text === undefined) return { ok: true, value: undefined };
  const value = positiveInteger(text);
  return value === undefined ? invalid(`${name} must be a positive whole number.`) : { ok: true, value };
}

/** One of `values` (compared exactly), or undefined when absent. */
export function optionalChoice<const T extends readonly string[]>(
  params: readonly Param[],
  name: string,
  values: T,
): ParamResult<T[number] | undefined> {
  const text = optionalText(params, name);
  if (text === undefined) return { ok: true, value: undefined };
  const found = values.find((v) => v === text);
  return found === undefined
    ? invalid(`${name} must be one of ${values.join(', ')}.`)
    : { ok: true, value: found };
}

/** A `yyyy-MM-dd HH:mm:ss` time read by `parse`, or undefined when absent. */
export function optionalTime(
  params: readonly Param[],
  name: string,
  parse: (text: string) => number | undefined,
): ParamResult<number | undefined> {
  const text = optionalText(params, name);
  if (text === undefined) return { ok: true, value: undefined };
  const value = parse(text);
  return value === undefined
    ? invalid(`${name} must be a time such as 2022-04-08 11:00:00.`)
    : { ok: true, value };
}

/** `OrderId` (required) and `Tid` (optional), both positive whole numbers. */
export function readOrderParams(
  params: readonly Param[],
): ParamResult<{ readonly orderId: number; readonly tid: number | undefined }> {
  const orderText = optionalText(params, 'OrderId');
  if (orderText === undefined) return { ok: false, error: gatewayError('MissingOrderId') };
  const orderId = positiveInteger(orderText);
  if (orderId === undefined) return invalid('OrderId must be a positive whole number.');
  const tid = optionalPositive(params, 'Tid');
  return tid.ok ? { ok: true, value: { orderId, tid: tid.value } } : tid;
}
