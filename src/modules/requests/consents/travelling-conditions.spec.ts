import { ConditionType } from '@mla/contracts';
import { mergeConditions } from './travelling-conditions';

describe('mergeConditions', () => {
  const confidential = { type: ConditionType.Confidential, text: 'Prosecutors of State C only' };
  const speciality = { type: ConditionType.Speciality, text: 'Only case C50-2026-0142' };

  it('should keep the request’s conditions first, then the consent’s', () => {
    expect(mergeConditions([speciality], [confidential])).toEqual([speciality, confidential]);
  });

  it('should keep a condition named twice once', () => {
    expect(mergeConditions([confidential], [{ ...confidential }, speciality])).toEqual([
      confidential,
      speciality,
    ]);
  });

  it('should keep two conditions of one type with different words', () => {
    const other = { type: ConditionType.Confidential, text: 'Not in open court' };
    expect(mergeConditions([confidential], [other])).toEqual([confidential, other]);
  });

  it('should copy only the type and the words', () => {
    const extra = { ...confidential, note: 'internal' } as typeof confidential;
    expect(mergeConditions([extra])).toEqual([confidential]);
  });
});
