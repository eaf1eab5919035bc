import { describe, expect, it } from 'vitest';
import { csvCell } from './report-csv';

describe('report CSV cells', () => {
  it('quotes a cell holding a comma, a quote or a line break (RFC 4180)', () => {
    expect(csvCell('CA du Pays de Laon')).toBe('CA du Pays de Laon');
    expect(csvCell('Laon, Soissons')).toBe('"Laon, Soissons"');
    expect(csvCell('dit "le Haut"')).toBe('"dit ""le Haut"""');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
  });

  it('writes numbers as they are, negative ones too, and an absent figure as an empty cell', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
  });

  it('defuses a text cell a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-1+2')).toBe("'-1+2");
  });
});
