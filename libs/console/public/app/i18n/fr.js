// Catalogue français (langue par défaut). Mêmes clés que en.js : un test le vérifie.
const plural = (n, one, many) => (n <= 1 ? one : many);

export default {
  'app.loading': 'Chargement…',
  'app.skip': 'Aller au contenu',
  'app.navigation': 'Navigation principale',
  'app.language': 'Langue',
  'app.logout': 'Se déconnecter',
  'app.loadFailed': 'Cette page n’a pas pu être chargée',
  'app.home': 'Retour à la vue d’ensemble',

  'refused.title': 'Accès refusé',
  'refused.text': 'Votre rôle ne donne pas accès à cette page.',
  'notFound.title': 'Page introuvable',
  'notFound.text': 'Cette adresse ne correspond à aucune page de la console.',

  'role.operator': 'Exploitant',
  'role.epci': 'EPCI',
  'role.commune': 'Commune',
  'role.cdn': 'Conseil départemental',
  'role.public': 'Données ouvertes',

  'login.title': 'Connexion',
  'login.email': 'Adresse e-mail',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.forgotten': 'Mot de passe oublié ?',
  'login.missing': 'Saisissez votre adresse e-mail et votre mot de passe.',
  'login.wrong': 'Adresse e-mail ou mot de passe incorrect.',
  'login.locked': ({ wait }) => `Trop d’essais infructueux : la connexion est bloquée. Réessayez dans ${wait}.`,
  'login.expired': 'Votre session a expiré : reconnectez-vous.',
  'login.signedOut': 'Vous êtes déconnecté.',

  'time.minutes': ({ n }) => `${n} ${plural(n, 'minute', 'minutes')}`,
  'time.seconds': ({ n }) => `${n} ${plural(n, 'seconde', 'secondes')}`,

  'error.unreachable': 'Le serveur ne répond pas. Vérifiez votre connexion et réessayez.',
  'error.tooMany': ({ wait }) => `Trop de demandes. Réessayez dans ${wait}.`,
  'error.server': ({ status }) => `Le serveur a rencontré une erreur (${status}). Réessayez plus tard.`,
  'error.refused': ({ status, message }) => `Demande refusée (${status}) : ${message}`,

  'password.new': 'Nouveau mot de passe',
  'password.rule': ({ min }) => `Au moins ${min} caractères.`,
  'password.again': 'Confirmez le mot de passe',
  'password.submit': 'Enregistrer le mot de passe',
  'password.tooShort': ({ min }) => `Le mot de passe doit compter au moins ${min} caractères.`,
  'password.mismatch': 'Les deux mots de passe ne sont pas identiques.',
  'password.refused': 'Ce mot de passe est refusé : choisissez-en un plus long ou moins courant.',
  'password.saved': 'Mot de passe enregistré. Vous pouvez vous connecter.',

  'invitation.title': 'Bienvenue dans Hyperviseur',
  'invitation.intro': 'Choisissez le mot de passe de votre compte pour accepter l’invitation.',
  'invitation.badToken': 'Ce lien d’invitation n’est plus valable. Demandez une nouvelle invitation à la personne qui vous l’a envoyée.',

  'reset.requestTitle': 'Mot de passe oublié',
  'reset.intro': 'Saisissez l’adresse e-mail de votre compte : nous y enverrons un lien pour choisir un nouveau mot de passe.',
  'reset.submit': 'Envoyer le lien',
  'reset.missing': 'Saisissez votre adresse e-mail.',
  'reset.sent': 'Si cette adresse correspond à un compte, un message vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe.',
  'reset.backToLogin': 'Retour à la connexion',
  'reset.confirmTitle': 'Choisir un nouveau mot de passe',
  'reset.badToken': 'Ce lien de réinitialisation n’est plus valable.',
  'reset.again': 'Demander un nouveau lien',

  'overview.title': 'Vue d’ensemble',
  'overview.wholeTerritory': 'Tout le territoire',
  'overview.devices': 'Objets connectés',
  'overview.devicesTotal': ({ n }) => plural(n, 'objet en service', 'objets en service'),
  'overview.asOf': ({ time }) => `(état au ${time})`,
  'overview.noDevices': 'Aucun objet connecté n’est enregistré.',
  'overview.alarms': 'Alarmes actives',

  'domain.lighting': 'Éclairage public',
  'domain.heating': 'Chaufferies',
  'domain.air': 'Qualité de l’air',
  'domain.parking': 'Stationnement',

  'deviceState.ok': 'En fonctionnement',
  'deviceState.faulty': 'En défaut',
  'deviceState.offline': 'Hors ligne',

  'severity.critical': 'Critiques',
  'severity.major': 'Majeures',
  'severity.minor': 'Mineures',
  'severity.info': 'Informations',
};
