"""The fixed vocabulary of the large demo: towns, villages, kinds of farm, their contracts and catalogs."""

from __future__ import annotations

from dataclasses import dataclass

# The groups' towns, the largest first (AMAP des Lilas, as in the small demo).
TOWNS = (
    ("AMAP des Lilas", "Les Lilas", "93260"), ("AMAP de Montreuil", "Montreuil", "93100"),
    ("AMAP du Pré-Saint-Gervais", "Le Pré-Saint-Gervais", "93310"), ("AMAP de Bagnolet", "Bagnolet", "93170"),
    ("AMAP de Vincennes", "Vincennes", "94300"), ("AMAP de Pantin", "Pantin", "93500"),
    ("AMAP de Romainville", "Romainville", "93230"), ("AMAP de Fontenay-sous-Bois", "Fontenay-sous-Bois", "94120"),
    ("AMAP de Saint-Denis", "Saint-Denis", "93200"), ("AMAP d'Aubervilliers", "Aubervilliers", "93300"),
    ("AMAP de Noisy-le-Sec", "Noisy-le-Sec", "93130"), ("AMAP de Bondy", "Bondy", "93140"),
    ("AMAP de Rosny-sous-Bois", "Rosny-sous-Bois", "93110"), ("AMAP de Nogent-sur-Marne", "Nogent-sur-Marne", "94130"),
    ("AMAP de Saint-Mandé", "Saint-Mandé", "94160"), ("AMAP de Vitry-sur-Seine", "Vitry-sur-Seine", "94400"),
    ("AMAP d'Ivry-sur-Seine", "Ivry-sur-Seine", "94200"), ("AMAP de Malakoff", "Malakoff", "92240"),
    ("AMAP de Montrouge", "Montrouge", "92120"), ("AMAP de Gentilly", "Gentilly", "94250"),
)
PLACES = ("Cour de l'école Jean-Jaurès", "Préau de la Maison des associations", "Salle paroissiale",
          "Cour de la ferme urbaine", "Hall du centre social", "Gymnase Jules-Ferry")

# Villages of the farms, in Vexin, Brie, Gâtinais and Picardy.
VILLAGES = (
    "Chaussy (95)", "Magny-en-Vexin (95)", "Us (95)", "Wy-dit-Joli-Village (95)", "Chaumont-en-Vexin (60)",
    "Marines (95)", "Vigny (95)", "Théméricourt (95)", "Omerville (95)", "Genainville (95)", "Arthies (95)",
    "Maudétour-en-Vexin (95)", "Banthelu (95)", "Cléry-en-Vexin (95)", "Nucourt (95)", "Épiais-Rhus (95)",
    "Ennery (95)", "Frémainville (95)", "Seraincourt (95)", "Avernes (95)", "Coulommiers (77)", "Rebais (77)",
    "Jouarre (77)", "Provins (77)", "Nangis (77)", "Donnemarie-Dontilly (77)", "Milly-la-Forêt (91)",
    "Maisse (91)", "Boutigny-sur-Essonne (91)", "Méréville (91)", "Angerville (91)", "Étampes (91)",
    "Houdan (78)", "Septeuil (78)", "Montfort-l'Amaury (78)", "Rambouillet (78)", "Saint-Arnoult-en-Yvelines (78)",
    "Gambais (78)", "Dourdan (91)", "Crécy-la-Chapelle (77)", "Meaux (77)", "Lizy-sur-Ourcq (77)",
    "Senlis (60)", "Crépy-en-Valois (60)", "Beauvais (60)", "Gisors (27)", "Étrépagny (27)", "Lyons-la-Forêt (27)",
    "Ferté-Milon (02)", "Château-Thierry (02)", "Villers-Cotterêts (02)", "Nemours (77)", "Moret-sur-Loing (77)",
    "Fontainebleau (77)", "Barbizon (77)", "Perthes (77)", "Courances (91)", "Bréval (78)", "Bonnières-sur-Seine (78)",
    "La Roche-Guyon (95)",
)


@dataclass(frozen=True)
class ShareSpec:
    name: str
    description: str
    price_cents: int
    weight: float  # share of the offer's subscribers who take it
    tiers: bool = False  # the reduced and solidarity prices too


@dataclass(frozen=True)
class Kind:
    """A kind of season contract, its farms' names and what share of a group's households sign it."""

    code: str
    farm_prefix: str
    production: str
    offer_name: str
    frequency: str
    rule: str
    rate: float
    shares: tuple[ShareSpec, ...]
    farm_weight: int  # how many farms of the network make it, relatively
    items: tuple[tuple[str, str, int], ...]  # what a share holds: name, unit, unit price in cents


KINDS = (
    Kind("vegetables", "Ferme", "Légumes de saison (panier hebdomadaire)", "Légumes — saison", "weekly", "catch_up",
         0.80, (ShareSpec("Panier complet", "Pour 3 à 4 personnes", 2000, 0.65, tiers=True),
                ShareSpec("Demi-panier", "Pour 1 à 2 personnes", 1200, 0.35, tiers=True)), 12,
         (("Carottes", "kg", 280), ("Poireaux", "botte", 250), ("Pommes de terre", "kg", 180),
          ("Courge butternut", "pièce", 300), ("Mâche", "sachet", 220), ("Choux de Bruxelles", "kg", 450),
          ("Céleri-rave", "pièce", 260), ("Oignons", "kg", 300), ("Radis noir", "botte", 200),
          ("Épinards", "kg", 600))),
    Kind("eggs", "Poulailler", "Œufs plein air (tous les quinze jours)", "Œufs — saison", "fortnightly",
         "shared_loss", 0.32, (ShareSpec("6 œufs", "Une boîte de six œufs plein air", 350, 0.75),
                               ShareSpec("12 œufs", "Deux boîtes de six œufs", 650, 0.25)), 10,
         (("Œufs plein air", "boîte de 6", 350),)),
    Kind("bread", "Fournil", "Pain au levain (chaque semaine)", "Pain au levain — saison", "weekly", "shared_loss",
         0.24, (ShareSpec("Pain de 1 kg", "Grand épeautre ou blé ancien, selon la semaine", 650, 1.0),), 10,
         (("Pain au levain", "pain de 1 kg", 650),)),
    Kind("cheese", "Chèvrerie", "Fromages de chèvre (tous les quinze jours)", "Fromages de chèvre — saison",
         "fortnightly", "shared_loss", 0.20,
         (ShareSpec("Assortiment de chèvres", "Quatre fromages frais ou affinés", 900, 1.0),), 8,
         (("Crottin affiné", "pièce", 250), ("Chèvre frais", "pièce", 200), ("Bûche cendrée", "pièce", 450))),
    Kind("fruit", "Vergers", "Fruits (tous les quinze jours)", "Fruits — saison", "fortnightly", "catch_up", 0.20,
         (ShareSpec("Cagette de 3 kg", "Pommes, poires, selon la saison", 1100, 1.0),), 8,
         (("Pommes", "kg", 300), ("Poires", "kg", 380), ("Jus de pomme", "bouteille de 1 l", 350))),
    Kind("meat", "Élevage", "Viande de porc et de bœuf (colis mensuel)", "Colis de viande — saison", "monthly",
         "shared_loss", 0.15, (ShareSpec("Colis de 5 kg", "Rôtis, côtes, saucisses, selon l'animal", 7500, 1.0),), 6,
         (("Colis mixte", "colis de 5 kg", 7500),)),
)
KIND = {kind.code: kind for kind in KINDS}


def kinds_of_group(index: int) -> list[str]:
    """Every group has vegetables, eggs and bread; cheese or fruit one group in two; meat one in three."""
    kinds = ["vegetables", "eggs", "bread", "cheese" if index % 2 == 0 else "fruit"]
    if index % 3 == 0:
        kinds.append("meat")
    return kinds


# One-off order producers: name prefix, production, and their catalog
# (name, unit, price, parts (producer, transport, network), packaging, minimum, VAT bp, stock or None).
ORDER_PRODUCERS = (
    ("Rucher et vergers", "Miel, jus de pomme (commandes ponctuelles)", (
        ("Miel de fleurs", "pot de 500 g", 900, (780, 70, 50), 1, 1, 550, None),
        ("Miel de châtaignier", "pot de 500 g", 1050, (910, 80, 60), 1, 1, 550, None),
        ("Miel d'acacia", "pot de 500 g", 1150, (1000, 80, 70), 1, 1, 550, 900),
        ("Jus de pomme", "bouteille de 1 l", 350, (280, 40, 30), 6, 6, 550, None),
        ("Cidre brut", "bouteille de 75 cl", 550, (450, 60, 40), 6, 6, 2000, None),
        ("Vinaigre de cidre", "bouteille de 50 cl", 450, (370, 45, 35), 1, 1, 550, None),
    )),
    ("Bergerie", "Agneau, fromages de brebis (commandes ponctuelles)", (
        ("Colis d'agneau", "colis de 5 kg", 8500, (7400, 600, 500), 1, 1, 550, 700),
        ("Demi-colis d'agneau", "colis de 2,5 kg", 4400, (3800, 330, 270), 1, 1, 550, 900),
        ("Tomme de brebis", "pièce de 500 g", 1100, (950, 80, 70), 1, 1, 550, None),
        ("Yaourts de brebis", "pot de 125 g", 120, (95, 15, 10), 4, 4, 550, None),
        ("Merguez", "barquette de 500 g", 950, (820, 70, 60), 1, 1, 550, None),
    )),
    ("Moulin", "Farines, huiles (commandes ponctuelles)", (
        ("Farine de blé T80", "sac de 1 kg", 320, (260, 35, 25), 1, 1, 550, None),
        ("Huile de colza", "bouteille de 1 l", 780, (650, 70, 60), 1, 1, 550, None),
    )),
    ("Brasserie", "Bières (commandes ponctuelles)", (
        ("Bière blonde", "bouteille de 33 cl", 290, (230, 35, 25), 6, 6, 2000, None),
        ("Bière ambrée", "bouteille de 33 cl", 310, (245, 38, 27), 6, 6, 2000, None),
    )),
)

BANKS = ("Crédit Agricole", "La Banque Postale", "Crédit Coopératif", "LCL", "Crédit Mutuel", "Société Générale",
         "BNP Paribas", "Caisse d'Épargne", "La Nef")
ROLES = (("Installation", 60, 2, "Sortir les tables et les caisses, accueillir les fermes."),
         ("Émargement", 150, 1, "Tenir la feuille d'émargement."),
         ("Rangement", 60, 2, "Ranger, balayer, rapporter les caisses vides."))  # name, households per place, minimum
COMMITTEE = ("Trésorerie et adhésions", "Planning des permanences", "Coordination des contrats")
