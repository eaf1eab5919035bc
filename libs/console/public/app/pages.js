// The page registry: a page is a folder under pages/ and one entry here. `roles` lists the
// roles that may open it (the navigation shows the user only those), or is 'anonymous' for
// the pages of a person not signed in (a signed-in user is sent to the overview).
export const SIGNED_IN_ROLES = ['operator', 'epci', 'commune', 'cdn', 'public'];

export const PAGES = [
  {
    path: '/',
    title: { fr: 'Vue d’ensemble', en: 'Overview' },
    roles: ['operator', 'epci', 'commune', 'cdn'],
    load: () => import('../pages/overview/overview.js'),
  },
  {
    path: '/connexion',
    title: { fr: 'Connexion', en: 'Sign in' },
    roles: 'anonymous',
    load: () => import('../pages/login/login.js'),
  },
  {
    path: '/invitation/:token',
    title: { fr: 'Invitation', en: 'Invitation' },
    roles: 'anonymous',
    load: () => import('../pages/invitation/invitation.js'),
  },
  {
    path: '/mot-de-passe-oublie',
    title: { fr: 'Mot de passe oublié', en: 'Forgotten password' },
    roles: 'anonymous',
    load: () => import('../pages/password-reset/request.js'),
  },
  {
    path: '/reinitialisation/:token',
    title: { fr: 'Nouveau mot de passe', en: 'New password' },
    roles: 'anonymous',
    load: () => import('../pages/password-reset/confirm.js'),
  },
  // Alarms (list and detail) and users: the alarms-and-users pages.
  {
    path: '/alarmes',
    title: { fr: 'Alarmes', en: 'Alarms' },
    roles: ['operator', 'epci', 'commune'],
    load: () => import('../pages/alarms/alarms.js'),
  },
  {
    path: '/alarmes/:id',
    title: { fr: 'Alarme', en: 'Alarm' },
    roles: ['operator', 'epci', 'commune'],
    load: () => import('../pages/alarms/alarm.js'),
  },
  {
    path: '/utilisateurs',
    title: { fr: 'Utilisateurs', en: 'Users' },
    roles: ['operator', 'epci'],
    load: () => import('../pages/users/users.js'),
  },
  // Devices, lighting and data quality.
  {
    path: '/equipements',
    title: { fr: 'Équipements', en: 'Devices' },
    roles: ['operator', 'epci', 'commune'],
    load: () => import('../pages/devices/list.js'),
  },
  {
    path: '/equipements/:id',
    title: { fr: 'Équipement', en: 'Device' },
    roles: ['operator', 'epci', 'commune'],
    load: () => import('../pages/devices/device.js'),
  },
  {
    path: '/eclairage',
    title: { fr: 'Éclairage', en: 'Lighting' },
    roles: ['operator', 'epci', 'commune'],
    load: () => import('../pages/lighting/lighting.js'),
  },
  // Savings.
  {
    path: '/economies',
    title: { fr: 'Économies', en: 'Savings' },
    roles: ['operator', 'epci', 'commune', 'cdn'],
    load: () => import('../pages/savings/savings.js'),
  },
  {
    path: '/qualite-des-donnees',
    title: { fr: 'Qualité des données', en: 'Data quality' },
    roles: ['operator', 'epci', 'commune'],
    load: () => import('../pages/quality/quality.js'),
  },
  // Air quality, parking, the CDN report and open data. Open data is the
  // public role's only page, so its landing page (shell.js sends a role without the overview
  // to its first page).
  {
    path: '/qualite-de-l-air',
    title: { fr: 'Qualité de l’air', en: 'Air quality' },
    roles: ['operator', 'epci', 'commune', 'cdn'],
    load: () => import('../pages/air/air.js'),
  },
  {
    path: '/stationnement',
    title: { fr: 'Stationnement', en: 'Parking' },
    roles: ['operator', 'epci', 'commune', 'cdn'],
    load: () => import('../pages/parking/parking.js'),
  },
  {
    path: '/rapport',
    title: { fr: 'Rapport départemental', en: 'Département report' },
    roles: ['operator', 'cdn'],
    load: () => import('../pages/report/report.js'),
  },
  {
    path: '/donnees-ouvertes',
    title: { fr: 'Données ouvertes', en: 'Open data' },
    roles: SIGNED_IN_ROLES,
    load: () => import('../pages/opendata/opendata.js'),
  },

];

/** The pages of the navigation for a role: those it may open that need no parameter. */
export function navigationFor(role) {
  return PAGES.filter((page) => Array.isArray(page.roles) && page.roles.includes(role) && !page.path.includes(':'));
}
