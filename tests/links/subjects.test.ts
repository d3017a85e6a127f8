import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/db/ids.js';
import {
  caroLinkSubject,
  connectionLinkSubject,
  linkSubjectCaseId,
  mandateLinkSubject,
  parseCaroLinkSubject,
  parseConnectionLinkSubject,
  parseMandateLinkSubject,
} from '../../lib/links/subjects.js';

const id = '0193a8a4-0000-7000-8000-000000000001';
const caseIds = fc.integer({ min: 0, max: 2 ** 47 }).map((ms) => uuidv7(ms));
const versions = fc.integer({ min: 0, max: 999_999_999 });

describe('link subjects', () => {
  it('keep the formats of the links already sent (an e-mail in an inbox must still open)', () => {
    expect(mandateLinkSubject({ id, revision: 3 })).toBe(`${id}:r3`);
    expect(caroLinkSubject(id, 2)).toBe(`${id}.2`);
    expect(connectionLinkSubject(id)).toBe(id);
  });

  it('parse what they build, for every purpose', () => {
    fc.assert(
      fc.property(caseIds, versions, (caseId, version) => {
        expect(parseMandateLinkSubject(mandateLinkSubject({ id: caseId, revision: version }))).toEqual({
          mandateId: caseId,
          revision: version,
        });
        expect(parseCaroLinkSubject(caroLinkSubject(caseId, version))).toEqual({
          orderId: caseId,
          linkVersion: version,
        });
        expect(parseConnectionLinkSubject(connectionLinkSubject(caseId))).toEqual({ connectionId: caseId });
      }),
    );
  });

  it("refuse another purpose's subject and malformed ones", () => {
    const mandate = mandateLinkSubject({ id, revision: 1 });
    const caro = caroLinkSubject(id, 1);
    expect(parseMandateLinkSubject(caro)).toBeUndefined();
    expect(parseCaroLinkSubject(mandate)).toBeUndefined();
    expect(parseConnectionLinkSubject(mandate)).toBeUndefined();
    expect(parseConnectionLinkSubject(caro)).toBeUndefined();
    for (const bad of ['', 'mandate-1', `${id}:r`, `${id}:rx`, `${id}.`, `${id}.1.2`, `${id}x`, `x${id}:r1`]) {
      expect([parseMandateLinkSubject(bad), parseCaroLinkSubject(bad), parseConnectionLinkSubject(bad)]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    }
  });

  it('name the case for logs without the rest of the subject', () => {
    expect(linkSubjectCaseId('mandate-signing', mandateLinkSubject({ id, revision: 4 }))).toBe(id);
    expect(linkSubjectCaseId('caro-activation', caroLinkSubject(id, 4))).toBe(id);
    expect(linkSubjectCaseId('connection-invitation', connectionLinkSubject(id))).toBe(id);
    expect(linkSubjectCaseId('caro-activation', 'not-a-subject')).toBeUndefined();
  });
});
