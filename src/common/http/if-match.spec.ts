import { ValidationFailedError } from '../errors/domain-error';
import { parseIfMatch } from './if-match';

describe('If-Match parsing', () => {
  it.each([
    ['"3"', 3],
    ['W/"12"', 12],
    ['7', 7],
    [undefined, undefined],
    ['', undefined],
  ])('%p names version %p', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it.each(['*', '"abc"', '"1", "2"', '-1'])('should refuse %p with a 400', (header) => {
    expect(() => parseIfMatch(header)).toThrow(ValidationFailedError);
  });
});
