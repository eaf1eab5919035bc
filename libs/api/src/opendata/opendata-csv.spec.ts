import { describe, expect, it } from 'vitest';
import { toCsv } from './opendata-csv';

describe('open data CSV', () => {
  it('quotes commas, quotes and line breaks, leaves absent values empty, ends lines with CRLF', () => {
    const csv = toCsv(['id', 'name', 'level'], [
      { id: 'lc-1', name: 'Rue "Haute", nord', level: 0.5 },
      { id: 'lc-2', name: 'Place\nde la mairie', level: null },
    ]);
    expect(csv).toBe('id,name,level\r\nlc-1,"Rue ""Haute"", nord",0.5\r\nlc-2,"Place\nde la mairie",\r\n');
  });

  it('keeps a spreadsheet from reading a name as a formula, but not a negative number', () => {
    expect(toCsv(['name', 'lon'], [{ name: '=HYPERLINK("x")', lon: -1.5 }])).toBe('name,lon\r\n"\'=HYPERLINK(""x"")",-1.5\r\n');
  });
});
