import { describe, expect, it } from 'vitest';
import { interpretJobDegreeBody } from '../../src/dms/answer.js';
import { interpretListOrdersBody, interpretOrderDetailBody } from '../../src/dms/ticket-answers.js';

const good = {
  RequestId: 'R-1',
  Success: true,
  JobDegree: {
    JobStatus: 'DOWNLOADING',
    StatusDesc: 'downloading',
    ListCompletionDegree: 1,
    DownloadCompletionDegree: 0.25,
    FilterCompletionDegree: 0,
  },
};

describe('interpretJobDegreeBody', () => {
  it('accepts a documented answer', () => {
    expect(interpretJobDegreeBody(good)).toEqual({
      ok: true,
      value: {
        status: 'DOWNLOADING',
        rawStatus: 'DOWNLOADING',
        statusDesc: 'downloading',
        listRatio: 1,
        downloadRatio: 0.25,
        filterRatio: 0,
        requestId: 'R-1',
      },
    });
  });

  it('maps a status it does not know to UNKNOWN and keeps the raw text', () => {
    const result = interpretJobDegreeBody({ ...good, JobDegree: { ...good.JobDegree, JobStatus: 'PAUSED' } });
    expect(result).toMatchObject({ ok: true, value: { status: 'UNKNOWN', rawStatus: 'PAUSED' } });
  });

  it('turns Success=false on HTTP 200 into an error with the DMS code and request id', () => {
    expect(
      interpretJobDegreeBody({
        RequestId: 'R-2',
        Success: false,
        ErrorCode: 'UnknownError',
        ErrorMessage: 'no order',
      }),
    ).toEqual({
      ok: false,
      error: { code: 'UnknownError', message: 'DMS answered Success=false: no order', requestId: 'R-2' },
    });
  });

  it.each([
    ['a string', 'hello', 'answer is not a JSON object'],
    ['an array', [good], 'answer is not a JSON object'],
    ['no Success', { JobDegree: good.JobDegree }, 'answer has no Success=true'],
    ['no JobDegree', { Success: true }, 'answer has no JobDegree object'],
    [
      'a ratio above 1',
      { ...good, JobDegree: { ...good.JobDegree, ListCompletionDegree: 1.7 } },
      'a completion degree is missing or outside [0, 1]',
    ],
    [
      'a negative ratio',
      { ...good, JobDegree: { ...good.JobDegree, FilterCompletionDegree: -0.1 } },
      'a completion degree is missing or outside [0, 1]',
    ],
    [
      'a ratio as text',
      { ...good, JobDegree: { ...good.JobDegree, DownloadCompletionDegree: '0.5' } },
      'a completion degree is missing or outside [0, 1]',
    ],
    [
      'no JobStatus',
      { ...good, JobDegree: { ...good.JobDegree, JobStatus: undefined } },
      'JobStatus is missing',
    ],
  ])('rejects %s as malformed_response', (_what, body, message) => {
    expect(interpretJobDegreeBody(body)).toMatchObject({
      ok: false,
      error: { code: 'malformed_response', message },
    });
  });
});

describe('the envelope all three answers share', () => {
  const failed = (code: string, message: string, requestId: string | undefined) => ({
    ok: false,
    error: { code, message, requestId },
  });
  it.each([
    [
      'Success=false',
      { RequestId: 'R-3', Success: false, ErrorCode: 'InvalidOrderId', ErrorMessage: 'no order' },
      failed('InvalidOrderId', 'DMS answered Success=false: no order', 'R-3'),
    ],
    [
      'Success=false without an ErrorCode',
      { RequestId: 'R-4', Success: false },
      failed('UnknownError', 'DMS answered Success=false: ', 'R-4'),
    ],
    [
      'Success=false with a 2 KiB ErrorMessage (cut at 1 KiB)',
      { Success: false, ErrorCode: 'E', ErrorMessage: 'x'.repeat(2048) },
      failed('E', `DMS answered Success=false: ${'x'.repeat(1024)}`, undefined),
    ],
    [
      'Success=false with an ErrorCode that is a sentence, not a code (the label stays bounded)',
      {
        RequestId: 'R-6',
        Success: false,
        ErrorCode: 'Order 42 of alice@example.com: not found',
        ErrorMessage: 'm',
      },
      failed(
        'other',
        'DMS answered Success=false: m (ErrorCode "Order 42 of alice@example.com: not found")',
        'R-6',
      ),
    ],
    [
      'Success=false with a 2 KiB ErrorCode (cut at 1 KiB in the message)',
      { Success: false, ErrorCode: 'E'.repeat(2048), ErrorMessage: 'm' },
      failed('other', `DMS answered Success=false: m (ErrorCode "${'E'.repeat(1024)}")`, undefined),
    ],
    [
      'Success=false with a numeric ErrorCode',
      { Success: false, ErrorCode: 500, ErrorMessage: 'm' },
      failed('other', 'DMS answered Success=false: m (ErrorCode "500")', undefined),
    ],
    ['no Success', { RequestId: 'R-5' }, failed('malformed_response', 'answer has no Success=true', 'R-5')],
    ['an array', [], failed('malformed_response', 'answer is not a JSON object', undefined)],
  ])('reads %s alike for every action', (_what, body, expected) => {
    expect(interpretJobDegreeBody(body)).toEqual(expected);
    expect(interpretListOrdersBody(body)).toEqual(expected);
    expect(interpretOrderDetailBody(body)).toEqual(expected);
  });
});
