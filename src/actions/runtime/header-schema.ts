import { z } from 'zod';

/** RFC 9110's token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Headers a rule or channel sends as written. fetch refuses a name outside the token characters, and a
 * value holding a line break, NUL or a character beyond U+00FF, with a TypeError that quotes the value,
 * which the worker would retry until the job is dead-lettered. Checked here, the rule (or the render of
 * an event's text into a header) fails once, with the header's name and never its value.
 */
export const HeadersSchema = z
  .record(
    z.string(),
    z
      .string()
      .refine(
        (value) => !/[\r\n\0\u0100-\uffff]/.test(value.trim()),
        'a header value cannot hold a line break (CR, LF), NUL or a character beyond Latin-1 (write {{urlEncode …}} for event text)',
      ),
  )
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (!TOKEN.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: "a header name is letters, digits and !#$%&'*+.^_`|~- only" });
    }
  });
