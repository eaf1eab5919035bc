import type { KpiGrouping, TerritoryGroups } from './territory';

/** One group's answer: its id and name beside the KPI's own figures. */
export type GroupAnswer<A> = { tenant: string; name: string | null } & A;

/**
 * Folds per-tenant figures into the groups asked for and the total of them all. Every
 * KPI's figures add up (hours, kWh, counts; ratios are computed from the sums at the end),
 * so an EPCI's figures are its communes' folded, and the département's the same again.
 */
export function grouped<F, A extends object>(
  perTenant: ReadonlyMap<string, F>,
  territory: TerritoryGroups,
  by: KpiGrouping | ((tenant: string) => string),
  fold: (parts: readonly F[]) => F,
  answer: (figures: F, tenants: number) => A,
): { groups: Array<GroupAnswer<A>>; total: A } {
  const groups = territory.groups(perTenant, by).map(({ tenant, members }) => ({ tenant, name: territory.name(tenant), ...answer(fold(members), members.length) }));
  return { groups, total: answer(fold([...perTenant.values()]), perTenant.size) };
}
