import { describe, expect, it } from 'vitest';
import { MAX_CSV_ROWS, parseCsv, readDeviceCsv } from './device-csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers records by the line they start on', () => {
    const text = 'id,name\r\nlamp-1,"Rue de la Paix, 3"\n"lamp-2","Le ""Moulin""\nNord"\nlamp-3,x\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['lamp-1', 'Rue de la Paix, 3'] },
      { line: 3, fields: ['lamp-2', 'Le "Moulin"\nNord'] },
      { line: 5, fields: ['lamp-3', 'x'] },
    ]);
  });

  it('skips a byte-order mark and blank lines, and keeps a last record without its newline', () => {
    expect(parseCsv('\ufeffid\n\nlamp-1')).toEqual([
      { line: 1, fields: ['id'] },
      { line: 3, fields: ['lamp-1'] },
    ]);
  });
});

describe('readDeviceCsv', () => {
  it('turns columns into a device input with typed attributes; credentials by default only without a DevEUI', () => {
    const { devices, issues } = readDeviceCsv('id,type,devEui,rated_power_w,lat,lon,cabinet\nlamp-1,lighting-controller,,40,49.56,3.62,cab-1\nco2-1,co2-sensor,A1B2C3D4E5F60718,,,,\n');
    expect(issues).toEqual([]);
    expect(devices).toEqual([
      { line: 2, input: { id: 'lamp-1', type: 'lighting-controller', attributes: { rated_power_w: 40, lat: 49.56, lon: 3.62, cabinet: 'cab-1' } }, credential: true },
      { line: 3, input: { id: 'co2-1', type: 'co2-sensor', devEui: 'A1B2C3D4E5F60718', attributes: {} }, credential: false },
    ]);
  });

  it('names the line and the column of every bad value', () => {
    const { issues } = readDeviceCsv('id,type,credential,lat\nlamp-1,lighting-controller,maybe,north\nlamp-2,lighting-controller\n');
    expect(issues).toEqual([
      { field: 'line 2: credential', message: 'must be yes or no, not "maybe"' },
      { field: 'line 2: lat', message: 'must be a number, not "north"' },
      { field: 'line 3', message: '2 fields, the header has 4' },
    ]);
  });

  it('refuses an unknown or repeated column and a header without id or type, before reading any line', () => {
    const { devices, issues } = readDeviceCsv('id,colour,id\nlamp-1,red,lamp-1\n');
    expect(devices).toEqual([]);
    expect(issues.map((i) => i.field)).toEqual(['line 1: column 2', 'line 1: column 3', 'line 1']);
    expect(issues[2]!.message).toMatch(/no "type" column/);
  });

  it(`refuses a file of more than ${MAX_CSV_ROWS} devices`, () => {
    const rows = Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => `lamp-${i},lighting-controller`).join('\n');
    expect(readDeviceCsv(`id,type\n${rows}`).issues).toEqual([{ field: 'body', message: `at most ${MAX_CSV_ROWS} devices per import (this file has ${MAX_CSV_ROWS + 1})` }]);
  });

  it('refuses an empty file', () => {
    expect(readDeviceCsv('').issues[0]!.field).toBe('body');
  });
});
