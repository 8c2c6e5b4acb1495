import type { MessageCode } from './messages.en.ts'

/** The same sentences in French: every code of the English catalogue, no other (the type says so). */
export const MESSAGES_FR: Readonly<Record<MessageCode, string>> = {
  text: '{text}',

  'field.too-small': 'champ « {field} » : trop petit, {expected} attendu ≥ {minimum}',
  'field.too-big': 'champ « {field} » : trop grand, {expected} attendu ≤ {maximum}',
  'field.wrong-type': 'champ « {field} » : valeur invalide, {expected} attendu',
  'field.unknown-keys': 'champ « {field} » : clé(s) inconnue(s) : {keys}',
  'field.not-one-of': 'champ « {field} » : option invalide, une de {options} attendue',
  'field.bad-format': 'champ « {field} » : {format} invalide',
  'field.invalid': 'champ « {field} » : {detail}',
  'field.iso3': 'champ « {field} » : un code pays ISO 3166-1 alpha-3 comme FRA, ou WORLD',
  'field.currency': 'champ « {field} » : un code ISO 4217 à 3 lettres comme EUR',
  'request.invalid': '{channel} : {detail}',
  'request.until-before-since': 'champ « {field} » : untilMs doit suivre sinceMs',
  'request.range-too-long': 'champ « {field} » : 400 jours au plus à la fois',
  'request.needs-training-work': 'champ « {field} » : donnez gpuHours, ou paramsB et tokensB',
  'request.needs-inference-work': 'champ « {field} » : donnez energyJ et tokens (mesuré), ou paramsB, bitsPerWeight et hardwareId (estimé)',
  'request.grid-or-country': 'champ « {field} » : donnez gridGCo2ePerKWh ou countryIso3, pas les deux',
  'request.unknown-zone': 'champ « {field} » : fuseau horaire inconnu « {zone} » (utilisez un nom IANA comme Europe/Paris)',
  'request.unknown-channel': 'canal inconnu « {channel} »',

  'http.no-token': 'jeton absent ou faux : ouvrez l’adresse affichée par `wattprint serve`',
  'http.wrong-host': 'les requêtes doivent être adressées à 127.0.0.1:{port}',
  'http.two-hosts': 'plus d’un en-tête Host',
  'http.cross-site': 'requête d’un autre site refusée ({header} : {value})',
  'http.not-json': 'envoyez la requête en Content-Type: application/json',
  'http.too-large': 'corps de requête de plus de {limit} octets pour {channel}',
  'http.bad-json': 'le corps de la requête n’est pas du JSON valide',
  'http.bad-url': 'la cible de la requête n’est pas une URL valide',
  'http.bad-encoding': 'le chemin a un encodage-pourcent invalide',
  'http.method': '{method} n’est pas permis ici (utilisez {allowed})',
  'http.no-such-path': 'chemin d’API inconnu',
  'http.not-found': 'introuvable',
  'http.api-only': 'cet hôte ne sert que l’API (l’interface n’est pas construite : lancez `npm run build:renderer`)',
  'http.renderer-missing': 'l’interface n’est pas construite ({file} manque) : lancez `npm run build:renderer`',
  'ipc.untrusted': 'requête d’un cadre non fiable',
  internal: 'erreur interne : {detail}',

  'estimate.unknown-hardware': 'champ « {field} » : matériel inconnu « {id} » (liste : wattprint hardware)',
  'estimate.no-grid': 'champ « {field} » : pas de chiffre de réseau pour « {iso3} »',
  'estimate.no-flops': 'champ « {field} » : {name} n’a pas de TFLOP/s denses publiés dans les données ; donnez plutôt gpuHours',
  'estimate.no-bandwidth': 'champ « {field} » : {name} n’a pas de bande passante mémoire publiée dans les données',
  'scenario.bad-dates': 'champ « {field} » : deux dates ISO 8601, la fin après le début',
  'scenario.needs-history': 'champ « {field} » : une référence mesurée a besoin de la base de données (--db)',
  'scenario.unknown-run': 'champ « {field} » : entraînement inconnu « {id} » (liste : wattprint references)',
  'scenario.run-without-energy': 'champ « {field} » : {model} n’a ni énergie publiée ni heures-GPU × puissance pour partir',
  'scenario.unknown-hardware': 'champ « {field} » : matériel inconnu « {id} »',
  'scenario.hardware-without-flops': 'champ « {field} » : les deux matériels doivent avoir des TFLOP/s denses publiés',
  'scenario.no-grid': 'champ « {field} » : pas de chiffre de réseau pour « {iso3} »',
  'scenario.pack-lacks-cloud': 'le jeu de données {version} n’a pas les facteurs PUE/WUE du cloud',

  'lever.distillation':
    'servir l’élève : énergie par jeton × paramètres actifs élève/enseignant = × {student}/{teacher} = × {ratio} (2N FLOP et N poids lus par jeton)',
  'lever.distillation-training':
    'entraîner l’élève : son propre entraînement (N_é/N_e = {student}/{teacher}) + l’enseignant annotant le corpus de distillation (2·N_e·D_distill ÷ 6·N_e·D = {teacherShare}) = × {ratio} ; l’enseignant existe déjà',
  'lever.distillation-training-with-teacher':
    'entraîner l’élève : son propre entraînement ({student}/{teacher}) + l’enseignant annotant le corpus ({teacherShare}) + l’entraînement de l’enseignant lui-même (1) = × {ratio}',
  'lever.quantization-fp8-training':
    'entraînement FP8 au lieu de BF16 : énergie × 1 ÷ accélération de bout en bout ({speedup}×) = × {ratio} (puissance de la carte supposée constante)',
  'lever.hardware-bandwidth':
    'décodage limité par la mémoire : énergie × (bande passante mémoire par W de {from}) ÷ (celle de {to}) = × {ratio} (mêmes jetons, TDP comme puissance)',
  'lever.local-batch-1':
    'en local : décodage par lot de 1 au lieu d’un service par lots, énergie × {gain} (ML.ENERGY, lot 8 → 64) ; votre PC (PUE 1, une alimentation à {psu} % de rendement), pas d’eau de refroidissement, votre réseau et votre prix',
  'lever.cloud-batched':
    'cloud : un service par lots consomme {gain}× moins d’énergie par jeton qu’un décodage par lot de 1 (ML.ENERGY, lot 8 → 64 : une borne basse) ; PUE {pue}, eau sur site {wue} L/kWh',
  'lever.not-for-workload': 'champ « {field} » : le levier {lever} ne s’applique pas à une charge de type {workload}',
  'lever.measured-inference-only': 'champ « {field} » : les rapports mesurés sont des énergies par jeton : ils ne s’appliquent qu’à l’inférence',
  'lever.needs-baseline-tokens': 'champ « {field} » : la référence n’a pas de jetons d’entraînement auxquels comparer le corpus de distillation',
  'lever.quantization-training-fp8':
    'champ « {field} » : en entraînement, quantifier signifie entraîner en basse précision ; seul BF16 → FP8 (16 → 8 bits) a un facteur cité',
  'lever.needs-pretrain-params': 'champ « {field} » : donnez les paramètres du modèle dont ce pré-entraînement est remplacé (la référence n’en a pas)',
  'lever.needs-pretrain-tokens': 'champ « {field} » : donnez les jetons du pré-entraînement remplacé (la référence n’en a pas)',
  'lever.finetune-not-smaller': 'champ « {field} » : un affinage utilise moins de jetons que le pré-entraînement qu’il remplace',
  'lever.student-not-smaller': 'champ « {field} » : l’élève doit être plus petit que son enseignant',
  'lever.bits-not-fewer': 'champ « {field} » : quantifier, c’est avoir moins de bits après qu’avant',
  'lever.location-already': 'champ « {field} » : la charge y est déjà ({to})',
  'scenario.hardware-without-bandwidth':
    'champ « {field} » : les deux appareils doivent avoir une bande passante mémoire publiée (le décodage est limité par la mémoire)',
  'scenario.note-home': 'PC domestique : PUE 1 ; pertes de l’alimentation × {facility} ({low}-{high}).',
  'scenario.note-data-centre': 'Centre de données : PUE {facility} ({low}-{high}).',
  'scenario.note-run-site-pue': 'L’entraînement n’a publié aucun PUE : celui de votre site ({pue}) est utilisé.',
  'scenario.note-run-implied-grid':
    'L’entraînement a publié {co2e} t CO2e et aucune intensité du réseau : {mwh} MWh impliquent {grid} g CO2e/kWh, retenus comme son réseau : la référence est le chiffre publié.',
  'scenario.note-run-published-co2e': 'CO2e publié de l’entraînement : {co2e} t ({scope}).',
  'lever.measured': 'mesuré sur ce PC : énergie × Wh par 1 000 jetons de {to} ÷ celle de {from} = × {toWh}/{fromWh} = × {ratio}',
  'lever.measured-basis': 'Vos propres mesures (Mesurer mon modèle), toutes deux sur {devices}.',
  'lever.measured-other-devices':
    'Vos propres mesures, mais sur des appareils différents ({devices} contre {other}) : le rapport mêle le modèle et le matériel.',
  'scenario.no-measurement': 'aucune mesure de modèle n°{id} n’est enregistrée (mesurez d’abord le modèle, ou choisissez-en une autre)',
  'lever.quantization':
    'le décodage limité par la mémoire lit chaque poids une fois par jeton : énergie × bits après/avant = × {to}/{from} = × {ratio} au mieux ; jusqu’à × {high} si la moitié de l’énergie (attention, cache KV, déquantification) ne diminue pas',
  'lever.finetune': 'FLOP {k}·N·D de l’affinage ÷ 6·N·D du pré-entraînement = ({k} × {n} Md × {d} Md) ÷ (6 × {n0} Md × {d0} Md) = × {share}',
  'lever.pue': 'énergie du site = énergie informatique × PUE {pue}',
  'lever.grid': 'intensité du réseau de {from} à {grid} g CO2e/kWh (moyenne annuelle Ember pour {iso3}, ±10 %)',
  'lever.renewable-share': 'méthode marché : intensité du réseau × (1 − {percent} % couverts par des contrats renouvelables)',
  'lever.hardware': 'calcul : énergie × (FLOP/s crête par W de {from}) ÷ (celui de {to}) = × {ratio} (même travail, même utilisation, TDP comme puissance)',
  'lever.time-shift': 'intensité du réseau de {from} à {grid} g CO2e/kWh à l’heure choisie (votre valeur : Wattprint n’inclut aucune donnée horaire)',
  'lever.local': 'en local : votre PC (PUE 1, une alimentation à {psu} % de rendement), pas d’eau de refroidissement, votre réseau et votre prix',
  'lever.cloud': 'cloud : PUE {pue}, eau sur site {wue} L/kWh',
  'cite.user-figure': 'Votre propre chiffre (par ex. de votre fournisseur ou d’une carte du réseau en direct)',
  'cite.user-settings': 'Vos réglages',
  'scenario.note-no-water':
    'L’eau hors site (pour produire l’électricité) n’est pas comptée : aucun chiffre vérifié en L/kWh n’est inclus ; indiquez le vôtre dans les Réglages.',
  'scenario.note-finetune': 'Référence : affinage {method} de {params} G paramètres sur {tokens} G jetons, {formula} (par défaut : {defaults}).',
  'scenario.note-inference': 'Référence : {tokens} jetons à {perToken} J par jeton ({formula}).',
  'scenario.note-run-published': 'Énergie de référence : les {mwh} MWh publiés de l’entraînement.',
  'scenario.note-run-derived': 'Énergie de référence déduite, non publiée comme énergie : {hours} heures-accélérateur × {powerW} W × PUE {pue} = {mwh} MWh.',
  'scenario.note-run-pue': 'PUE publié de l’entraînement : {pue}.',
  'scenario.note-run-no-pue':
    'L’entraînement ne publie pas de PUE : la plage des centres de données est utilisée, {pue} ({low}-{high} : des hyperscalers à la moyenne du secteur).',
  'scenario.note-run-grid': 'Intensité du réseau publiée par l’entraînement : {grid} g CO2e/kWh.',
  'scenario.note-run-site-grid': 'L’entraînement ne publie pas d’intensité du réseau : celle de votre site ({grid} g CO2e/kWh) est utilisée.',
  'scenario.label-measured': 'Mesuré du {since} au {until}',
  'scenario.label-finetune': 'affinage {method}, {params} G × {tokens} G jetons',
  'scenario.label-inference': '{tokens} jetons, {params} G à {bits} bits',

  'factor.grid-country': 'Moyenne du réseau, {country}',
  'factor.grid-country-note':
    'Méthode localisation : l’intensité moyenne annuelle de toute l’électricité produite dans le pays (la méthodologie d’Ember dit quelles émissions elle compte). CO2.js prend la dernière année publiée par Ember pour chaque pays sans dire laquelle, l’année est donc inconnue. La fourchette (±10 %) est une hypothèse de Wattprint pour appliquer une moyenne annuelle à des heures précises.',
  'factor.grid-market-note':
    'Méthode marché (GHG Protocol Scope 2) : les {share} % de votre électricité couverts par un contrat renouvelable comptent pour zéro émission d’exploitation ; le reste à la moyenne du pays ({grid} g CO2e/kWh, Ember via CO2.js). Les chiffres par localisation, ce que le réseau a réellement émis, sont plus élevés.',
  'factor.price-tou-note':
    'Heures pleines {peak} {currency}/kWh de {start} h à {end} h, heure locale, heures creuses {offPeak} sinon ; {sharePct} % de l’énergie de la période est tombée en heures pleines.',
  'factor.grid-user': 'Intensité du réseau que vous avez saisie',
  'factor.grid-user-note': 'Réglée dans les Réglages ; Wattprint ne la vérifie pas.',
  'factor.grid-market': '{country} × (1 − {share} % de contrat renouvelable)',
  'factor.price-user': 'Prix de l’électricité que vous avez saisi',
  'factor.price-user-note': 'Réglé dans les Réglages : un prix fixe par kWh.',
  'factor.price-tou': 'Tarif heures pleines/creuses saisi (prix effectif sur la période)',
  'factor.embodied-user': 'Carbone de fabrication de votre GPU (votre chiffre)',
  'factor.lifetime-user': 'Durée de vie du GPU que vous avez saisie',
  'factor.psu-user': "Rendement de l'alimentation que vous avez saisi",
  'factor.psu-user-note': 'Réglé dans Paramètres (étiquette ou test de votre alimentation : 80 PLUS Gold fait environ 90 % à mi-charge).',
  'factor.rest-of-system': 'Reste du PC (mesuré par aucune source)',
  'factor.rest-of-system-note':
    'Votre valeur constante pour la carte mère, la mémoire hors RAPL, les disques et les ventilateurs, comptée sur la durée enregistrée. La plage de ±{spread} % est une hypothèse de Wattprint : ces éléments varient avec la charge.',
  'factor.rest-of-system-wall-note':
    'Déduit de votre wattmètre : {wallW} W à la prise × {efficiency} % de rendement − {measuredW} W mesurés par Wattprint au même moment = {restW} W. Compté sur la durée enregistrée ; ±20 % est une hypothèse de Wattprint, ces éléments variant avec la charge.',
  'factor.psu-loss': "Pertes de l'alimentation",
  'factor.psu-loss-note': "Ce que l'alimentation transforme en chaleur : énergie des composants × (1 ÷ {efficiency} % − 1). La plage suit celle du rendement.",
  'calibrate.no-live-power':
    "Aucune puissance mesurée en direct à comparer au wattmètre : l'étalonnage a besoin d'une source qui lit maintenant (pas la démo).",
  'calibrate.meter-below-parts':
    "Le wattmètre indique {wallW} W, moins que les {partsW} W que Wattprint mesure côté composants ({measuredW} W ÷ {efficiency} % de rendement) : vérifiez la lecture, ou le rendement de l'alimentation.",
  'factor.water-user': 'Eau par kWh d’électricité, telle que saisie',
  'factor.water-user-note':
    'Eau consommée hors site pour produire votre électricité. Réglée dans les Réglages ; Wattprint n’inclut aucune valeur vérifiée par défaut.',

  'source.platform-not-added': 'toute la plateforme vue par le CPU (elle contient les autres éléments) : affichée, jamais ajoutée',
  'source.inside-soc':
    'compté dans le chiffre de la puce entière (boîtier Apple Silicon, puissance du socket d’un APU AMD), qui contient déjà les cœurs du CPU',
  'source.read-by-other': 'lu par {other}, qui voit le même matériel plus précisément',
  'source.polling': 'Lecture de {tool} toutes les {intervalMs} ms.',
  'source.read-failed': 'La lecture de {tool} a échoué ; nouvel essai au prochain tour.',
  'source.asleep':
    'Le GPU dédié dort (gestion d’alimentation) : {tool} n’est pas lancé, pour ne pas le réveiller ; pas de mesure jusqu’à son réveil (et non zéro).',
  'source.found': '{tool} trouvé.',
  'source.nvml-unavailable': "NVML n'a pas pu être utilisée (erreur NVML {code}).",
  'source.found-devices': '{tool} : {count} appareil(s) trouvé(s).',
  'source.some-asleep': "{asleep} GPU lu(s) par {tool} sont en veille et ne sont pas réveillés : aucune lecture pour eux jusqu'à leur réveil (pas zéro).",
  'source.no-device': "{tool} n'a trouvé aucun appareil à lire.",
  'source.no-power-reading': "{tool} : {name} ne donne ni puissance ni compteur d'énergie.",
  'source.rapl-permission':
    "Les compteurs d'énergie du processeur ({path}) ne sont lisibles que par root (Linux les restreint depuis l'attaque PLATYPUS, CVE-2020-8694).",
  'source.powermetrics-root':
    "powermetrics demande les droits d'administrateur, et Wattprint ne tourne pas en root : il appelle `sudo -n {command}`, qui a été refusé.",
  'fix.nvml-not-installed':
    "NVML (libnvidia-ml.so.1 sous Linux, nvml.dll sous Windows) est fournie avec le pilote NVIDIA. Sans GPU NVIDIA, elle n'a rien à lire ; avec un, installez le pilote. nvidia-smi est utilisé à la place s'il est trouvé.",
  'fix.amdgpu-driver':
    "Utilisez le pilote noyau amdgpu (le pilote libre fourni avec Linux) ; son dossier hwmon sous /sys/class/drm/cardN/device/hwmon contient les mesures de puissance. Les anciennes cartes sous le pilote radeon n'en donnent aucune.",
  'fix.amd-smi-not-installed': 'amd-smi et rocm-smi sont fournis avec ROCm. Ils sont facultatifs : les mesures sysfs du pilote amdgpu sont utilisées sans eux.',
  'source.not-on-platform': '{tool} ne fonctionne pas sous {platform}.',
  'source.starting': 'Démarrage de {tool}…',
  'source.reading': 'Lecture de {tool} toutes les {intervalMs} ms.',
  'source.stopped': 'Arrêté.',
  'source.not-found': '{tool} est introuvable ({command}).',
  'source.cannot-start': '{tool} n’a pas pu démarrer : {error}. Nouvel essai dans {retryS} s.',
  'source.hung': '{tool} ne répondait plus et a été relancé. Nouvel essai dans {retryS} s.',
  'source.exited': '{tool} s’est arrêté avec le code {code}. Nouvel essai dans {retryS} s.',
  'source.killed': '{tool} a été tué par {signal}. Nouvel essai dans {retryS} s.',
  'source.replay-loading': 'Chargement de {file}…',
  'source.replay-playing': 'Relecture de {file} ({readings} mesures).',
  'source.replay-finished': 'Relecture de {file} terminée.',
  'source.replay-empty': '{file} ne contient aucune mesure lisible.',
  'source.replay-failed': 'Impossible de relire {file} : {error}',
  'fix.nvidia-permission':
    'Votre utilisateur ne peut pas lire le GPU. Lancez Wattprint avec un utilisateur du groupe `video`, ou corrigez les permissions du périphérique.',
  'fix.nvidia-no-device':
    'nvidia-smi fonctionne mais ne voit aucun GPU. Vérifiez que la carte est bien insérée et alimentée, que `nvidia-smi -L` la liste et, sur un portable, que le GPU dédié n’est pas éteint.',
  'fix.nvidia-version-mismatch': 'Le pilote NVIDIA a été mis à jour mais l’ancien est encore chargé : redémarrez l’ordinateur.',
  'fix.nvidia-driver':
    'nvidia-smi ne parvient pas à parler au pilote NVIDIA. Vérifiez que le pilote propriétaire est installé et chargé (sous Linux, `lsmod` liste le module nvidia), puis redémarrez l’ordinateur.',
  'fix.nvidia-not-installed':
    'nvidia-smi est introuvable dans le PATH. Il est fourni avec le pilote NVIDIA : installez le pilote de votre carte (sous Windows, il se trouve dans C:\\Windows\\System32). Sans GPU NVIDIA, essayez la démonstration.',

  'measure.url-not-a-url': '« {url} » n’est pas une URL (par exemple http://127.0.0.1:11434)',
  'measure.url-not-http': '« {url} » n’est pas une adresse http:// ou https://',
  'measure.url-not-loopback':
    '« {url} » n’est pas sur cette machine : Wattprint mesure le GPU de ce PC, il ne parle donc qu’aux serveurs en boucle locale (127.0.0.1, localhost), sauf si vous autorisez un serveur distant',
  'measure.url-has-credentials': '« {url} » contient un nom d’utilisateur ou un mot de passe : donnez l’adresse du serveur seule',
  'measure.busy': 'Une mesure est déjà en cours : attendez qu’elle se termine.',
  'measure.no-power-source': 'Aucune source de puissance ne lit sur ce PC (voir Appareils) : rien pour mesurer l’énergie du modèle.',
  'measure.server-unreachable': 'Le serveur à {url} ne répond pas. Est-il lancé, et sur ce port ?',
  'measure.server-timeout': 'Le serveur à {url} a mis trop de temps à répondre.',
  'measure.server-error': 'Le serveur à {url} a répondu par une erreur (HTTP {status}).',
  'measure.model-not-found': 'Le serveur à {url} n’a pas de modèle « {model} ».',
  'measure.readings-stopped': 'Les mesures de puissance se sont arrêtées pendant la mesure : elle a été abandonnée, rien n’a été enregistré.',
  'storage.ok': 'Enregistrement dans la base de données.',
  'storage.recovered': 'Enregistrement dans la base de données rétabli.',
  'storage.failing':
    'Impossible d’écrire dans la base de données : {error}. {pending} mesures sont gardées en mémoire et seront écrites dès que possible ; rien de ce qui est déjà enregistré n’est perdu.',
  'storage.failing-dropped':
    'Impossible d’écrire dans la base de données : {error}. {pending} mesures sont gardées en mémoire et seront écrites dès que possible ; rien de ce qui est déjà enregistré n’est perdu. Les {dropped} plus anciennes ont été abandonnées.',
  'storage.moved-aside':
    'La base de données était endommagée ({detail}). Elle a été déplacée vers {movedTo}, rien n’a été supprimé, et l’enregistrement continue dans un nouveau fichier. Lancez `wattprint doctor --db {movedTo}` pour récupérer ses lignes lisibles.',
  'db.none': 'pas de base de données à {path} : enregistrez ou importez d’abord',
  'db.cannot-create': 'impossible de créer {path} : {detail}',
  'db.cannot-open': 'impossible d’ouvrir {path} : {detail}',
  'db.cannot-read': 'impossible de lire {path} : {detail}',
  'db.not-sqlite': '{path} n’est pas une base Wattprint (pas un fichier SQLite) ; il a été laissé tel quel',
  'db.foreign-marked':
    '{path} est la base SQLite d’un autre programme (application_id {applicationId}), pas celle de Wattprint ; elle a été laissée telle quelle',
  'db.foreign':
    '{path} est la base SQLite d’un autre programme (tables : {tables} ; user_version {version}), pas celle de Wattprint ; elle a été laissée telle quelle',
  'db.newer-schema':
    '{path} a le schéma {version}, plus récent que ce que connaît ce Wattprint ({known}) : mettez Wattprint à jour ; le fichier a été laissé tel quel',
  'db.damaged': '{path} est endommagée (quick_check de SQLite : {detail}) ; lancez `wattprint doctor --db {path}` pour récupérer ses lignes lisibles',
  'db.unreadable': '{path} est illisible ({detail}) ; il a été laissé tel quel',
  'db.read-only': '{path} est en lecture seule ; Wattprint n’y écrira pas (il a été laissé tel quel)',
  'db.read-only-folder': 'le dossier de {path} est en lecture seule, SQLite ne peut y tenir son journal ; le fichier a été laissé tel quel',
  'db.migration-failed': 'la migration de {path} vers le schéma {version} a échoué : {detail} ; rien n’a été modifié',
  'db.salvage-target-exists': '{path} existe déjà ; la récupération n’écrit que dans un nouveau fichier',
  'db.salvage-impossible': 'impossible d’ouvrir {path} ({detail}) : rien ne peut être récupéré',
  'db.write-failed': 'erreur de base de données : {detail}',

  'settings.unknown': 'réglage inconnu « {key} » ignoré',
  'settings.not-json': 'le réglage « {key} » n’est pas du JSON valide ({value}) ; valeur par défaut utilisée',
  'settings.invalid': 'le réglage « {key} » est invalide ({detail}) ; valeur par défaut utilisée',
  'pack.not-json': 'JSON invalide ({detail})',
  'pack.not-newer': 'la version {version} n’est pas plus récente que les données utilisées ({current})',
  'pack.nothing-to-revert': 'rien à annuler : les données intégrées ({version}) sont utilisées',

  'import.failed': '{file} : {detail}',
  'import.no-header':
    '{file}: la ligne d’en-tête n’a pas de colonne {missing} (lu : « {got} ») ; le journal doit venir de nvidia-smi --query-gpu=timestamp,...,power.draw,... --format=csv (sans noheader)',
  'import.noheader-log':
    '{file}: la ligne 1 est une donnée, pas un en-tête : le journal a été écrit avec --format=csv,noheader, ses colonnes sont inconnues ; réécrivez-le sans noheader',
  'import.bad-header-unit': '{file}: la colonne {field} est en « {unit} » ; Wattprint la lit en {units}',
  'import.empty': '{file}: le fichier est vide',

  'cli.unknown-command': 'commande inconnue « {command} » (essayez : {commands})',
  'cli.bad-arguments': '{detail}',
  'cli.unexpected-argument': 'argument inattendu « {argument} »',
  'cli.needs-subcommand': '{command} a besoin d’un {what} : {choices} (reçu « {got} »)',
  'cli.needs-argument': '{command} a besoin de {what}',
  'cli.cannot-read-file': 'impossible de lire {file} : {detail}',
  'cli.file-not-json': '{file} : JSON invalide ({detail})',
  'cli.not-a-count': '« {value} » n’est pas un nombre (par ex. 175B, 15T, 7e9)',
  'cli.not-a-number': '« {value} » n’est pas un nombre',
  'cli.not-a-date': '« {value} » n’est pas une date ou heure ISO 8601 (par ex. 2026-11-29 ou 2026-11-29T08:00)',
  'cli.not-a-duration': '« {value} » n’est pas un nombre positif de secondes',
  'cli.not-a-port': '« {value} » n’est pas un numéro de port',
  'cli.one-of': 'donnez {a} ou {b}, pas les deux',
  'cli.bad-source': '« {value} » n’est ni auto, ni nvidia-smi, ni replay:FICHIER',
  'cli.cannot-listen': 'impossible d’écouter sur 127.0.0.1:{port} : {detail}',
  'cli.bad-clock': '{name} : « {value} » n’est pas {what}',
  'cli.no-grid': 'pas de chiffre de réseau pour « {value} » (utilisez un code ISO 3166-1 alpha-3 comme FRA, ou WORLD)',
  'cli.readings-not-written': '{lost} mesures n’ont pas pu être écrites dans {path} ({detail}) ; les {written} écrites avant sont intactes',

  'fix.rapl-permission':
    'Seul root peut lire les compteurs d’énergie du CPU (energy_uj sous /sys/class/powercap) depuis le correctif de la CVE-2020-8694. Ne lancez pas Wattprint en root : donnez plutôt la lecture à un groupe, et n’y mettez que des utilisateurs de confiance (les compteurs peuvent révéler ce que font d’autres programmes). Collez ceci dans un terminal :\n{commands}\nCela écrit {file} avec la règle :\n{rule}\nDéconnectez-vous puis reconnectez-vous (ou redémarrez) pour que votre utilisateur rejoigne le groupe {group}.',
  'fix.rapl-no-zones':
    'Aucune zone RAPL sous /sys/class/powercap. Chargez le pilote (sudo modprobe intel_rapl_msr, pour les CPU Intel et AMD) ; une machine virtuelle ou un CPU ancien peut ne pas exposer RAPL du tout, et l’énergie du CPU n’est alors pas mesurée.',
  'fix.powermetrics-root':
    'powermetrics ne fonctionne qu’en administrateur (root), et Wattprint ne tourne jamais en root. Installez macmon (brew install macmon), qui lit les mêmes puissances sans droits d’administrateur, ou autorisez cette seule commande sans mot de passe : lancez sudo visudo -f {file} et ajoutez la ligne :\n{rule}\nWattprint lance alors {command}',
}
