import { describe, expect, it } from 'vitest';
import { TEST_SCRYPT_COST } from './credentials';
import { gatewayInputSchema } from './gateway.repository';
import { parseDeviceInput, parseDeviceInputs } from './device.schema';
import { InvalidInputError } from './state.errors';
import { parseOrThrow } from './validation';

const lamp = { id: 'lamp-1', tenant: '02408', type: 'lighting-controller' } as const;

/** The issues of the InvalidInputError `fn` throws. */
function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues;
  }
  throw new Error('expected an InvalidInputError');
}

describe('parseDeviceInput', () => {
  it('accepts a complete device and lower-cases its DevEUI', () => {
    const device = parseDeviceInput({
      ...lamp,
      secret: 'a long enough secret',
      secretCost: TEST_SCRYPT_COST,
      devEui: '70B3D57ED0000001',
      attributes: { name: 'Rue Saint-Martin 12', cabinet: 'cab-02408-07', rated_power_w: 45, lat: 49.56, lon: 3.62, pole: { height_m: 8 } },
    });
    expect(device.devEui).toBe('70b3d57ed0000001');
    expect(device.attributes).toMatchObject({ cabinet: 'cab-02408-07', pole: { height_m: 8 } });
  });

  it('names each bad field', () => {
    const issues = issuesOf(() =>
      parseDeviceInput({ id: 'Lamp 1', tenant: 'laon', type: 'streetlight', devEui: 'xyz', secret: 'short' }),
    );
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['devEui', 'id', 'secret', 'tenant', 'type']);
    expect(issues.find((i) => i.startsWith('type'))).toContain('lighting-controller');
  });

  it('names bad attributes by their path, including a cabinet that could not be a tag', () => {
    const issues = issuesOf(() => parseDeviceInput({ ...lamp, attributes: { lat: 91, cabinet: 'cab 1\n', rated_power_w: -5 } }));
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['attributes.cabinet', 'attributes.lat', 'attributes.rated_power_w']);
  });

  it('refuses rated powers and loss factors whose sums the energy KPI could not hold, naming each', () => {
    for (const [rated, loss] of [[1e308, 1e308], [10_000_001, 0.5], [Number.MAX_VALUE, 3.01]]) {
      const issues = issuesOf(() => parseDeviceInput({ ...lamp, attributes: { rated_power_w: rated, loss_factor: loss } }));
      expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['attributes.loss_factor', 'attributes.rated_power_w']);
    }
    expect(parseDeviceInput({ ...lamp, attributes: { rated_power_w: 10_000_000, loss_factor: 1.12 } }).attributes).toMatchObject({ loss_factor: 1.12 });
  });

  it('refuses attributes that jsonb could not store as given', () => {
    const issues = issuesOf(() => parseDeviceInput({ ...lamp, attributes: { installed: new Date(), ratio: Number.NaN, ok: [1, 'a', null, { b: true }] } }));
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['attributes.installed', 'attributes.ratio']);
  });

  it('refuses unknown keys rather than silently dropping them', () => {
    const issues = issuesOf(() => parseDeviceInput({ ...lamp, tenantId: '02408' }));
    expect(issues.join()).toContain('tenantId');
  });

  it('refuses a secret cost that is not a valid scrypt cost', () => {
    expect(issuesOf(() => parseDeviceInput({ ...lamp, secret: 'long enough', secretCost: { N: 1000, r: 8, p: 1 } }))[0]).toMatch(/^secretCost: /);
  });

  it('says which input it is given nothing to validate', () => {
    expect(issuesOf(() => parseDeviceInput(undefined))[0]).toMatch(/^\(input\): /);
  });
});

describe('parseDeviceInputs', () => {
  it('names the index of each bad device', () => {
    const issues = issuesOf(() => parseDeviceInputs([lamp, { ...lamp, id: 'lamp-2', devEui: '12' }, { ...lamp, id: '' }]));
    expect(issues.map((i) => i.split(':')[0])).toEqual(['devices[1].devEui', 'devices[2].id']);
  });

  it('refuses ids and DevEUIs repeated within the batch', () => {
    const issues = issuesOf(() =>
      parseDeviceInputs([
        { ...lamp, devEui: '00000000000000AA' },
        { ...lamp, id: 'lamp-2', devEui: '00000000000000aa' },
        { ...lamp },
      ]),
    );
    expect(issues).toEqual([
      'devices[2].id: lamp-1 repeats devices[0].id',
      'devices[1].devEui: 00000000000000aa repeats devices[0].devEui',
    ]);
  });
});

describe('gateway input', () => {
  it('requires a secret and a known network', () => {
    const issues = issuesOf(() => parseOrThrow(gatewayInputSchema, { id: 'gw-1', tenant: '02408', network: 'sigfox' }, 'gateway'));
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual(['network', 'secret']);
  });
});
