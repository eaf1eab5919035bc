// English catalogue. Same keys as fr.js: a test checks it.
const plural = (n, one, many) => (n === 1 ? one : many);

export default {
  'app.loading': 'Loading…',
  'app.skip': 'Skip to content',
  'app.navigation': 'Main navigation',
  'app.language': 'Language',
  'app.logout': 'Sign out',
  'app.loadFailed': 'This page could not be loaded',
  'app.home': 'Back to the overview',

  'refused.title': 'Access refused',
  'refused.text': 'Your role does not give access to this page.',
  'notFound.title': 'Page not found',
  'notFound.text': 'This address matches no page of the console.',

  'role.operator': 'Operator',
  'role.epci': 'EPCI',
  'role.commune': 'Commune',
  'role.cdn': 'Département council',
  'role.public': 'Open data',

  'login.title': 'Sign in',
  'login.email': 'E-mail address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.forgotten': 'Forgotten your password?',
  'login.missing': 'Enter your e-mail address and your password.',
  'login.wrong': 'Wrong e-mail address or password.',
  'login.locked': ({ wait }) => `Too many failed attempts: signing in is blocked. Try again in ${wait}.`,
  'login.expired': 'Your session has expired: please sign in again.',
  'login.signedOut': 'You are signed out.',

  'time.minutes': ({ n }) => `${n} ${plural(n, 'minute', 'minutes')}`,
  'time.seconds': ({ n }) => `${n} ${plural(n, 'second', 'seconds')}`,

  'error.unreachable': 'The server does not answer. Check your connection and try again.',
  'error.tooMany': ({ wait }) => `Too many requests. Try again in ${wait}.`,
  'error.server': ({ status }) => `The server ran into an error (${status}). Try again later.`,
  'error.refused': ({ status, message }) => `Request refused (${status}): ${message}`,

  'password.new': 'New password',
  'password.rule': ({ min }) => `At least ${min} characters.`,
  'password.again': 'Confirm the password',
  'password.submit': 'Save the password',
  'password.tooShort': ({ min }) => `The password must have at least ${min} characters.`,
  'password.mismatch': 'The two passwords differ.',
  'password.refused': 'This password is refused: choose a longer or less common one.',
  'password.saved': 'Password saved. You can now sign in.',

  'invitation.title': 'Welcome to Hyperviseur',
  'invitation.intro': 'Choose your account’s password to accept the invitation.',
  'invitation.badToken': 'This invitation link is no longer valid. Ask the person who sent it for a new invitation.',

  'reset.requestTitle': 'Forgotten password',
  'reset.intro': 'Enter your account’s e-mail address: we will send a link to choose a new password.',
  'reset.submit': 'Send the link',
  'reset.missing': 'Enter your e-mail address.',
  'reset.sent': 'If this address has an account, a message has been sent to it with a link to choose a new password.',
  'reset.backToLogin': 'Back to sign in',
  'reset.confirmTitle': 'Choose a new password',
  'reset.badToken': 'This reset link is no longer valid.',
  'reset.again': 'Ask for a new link',

  'overview.title': 'Overview',
  'overview.wholeTerritory': 'The whole territory',
  'overview.devices': 'Connected objects',
  'overview.devicesTotal': ({ n }) => plural(n, 'object in service', 'objects in service'),
  'overview.asOf': ({ time }) => `(as of ${time})`,
  'overview.noDevices': 'No connected object is registered.',
  'overview.alarms': 'Active alarms',

  'domain.lighting': 'Street lighting',
  'domain.heating': 'Boiler rooms',
  'domain.air': 'Air quality',
  'domain.parking': 'Parking',

  'deviceState.ok': 'Working',
  'deviceState.faulty': 'Faulty',
  'deviceState.offline': 'Offline',

  'severity.critical': 'Critical',
  'severity.major': 'Major',
  'severity.minor': 'Minor',
  'severity.info': 'Information',
};
