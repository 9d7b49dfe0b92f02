import { storable } from './storable-text';

describe('storable', () => {
  it('keeps ordinary text, pairs included, as it is', () => {
    expect(storable('timeout after 2000 ms 🚀 é')).toBe('timeout after 2000 ms 🚀 é');
    expect(storable(null)).toBeNull();
  });

  it('drops NUL and replaces a lone surrogate (a pair cut in two) so jsonb takes it', () => {
    const cut = '🚀'.slice(0, 1);
    const text = storable(`a\0b ${cut} c ${'🚀'.slice(1)}`);
    expect(text).toBe('ab \uFFFD c \uFFFD');
    expect(JSON.parse(JSON.stringify(text)) as string).toBe(text);
    expect(JSON.stringify(text)).not.toMatch(/\\u[dD][89a-fA-F]/);
  });
});
