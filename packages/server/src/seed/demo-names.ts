/** Demo people: a Quebec pack (organization A, French) and an English-speaking pack (B). */
export const DEMO = {
  a: {
    name: '1re Meute Saint-Laurent',
    locale: 'fr' as const,
    timeZone: 'America/Toronto',
    users: [
      { email: 'admin@pack-a.test', name: 'Geneviève Tremblay', role: 'admin' as const },
      { email: 'leader@pack-a.test', name: 'Mathieu Gagnon', role: 'leader' as const },
      { email: 'viewer@pack-a.test', name: 'Isabelle Roy', role: 'viewer' as const },
    ],
    groups: ['Sizaine des Loups gris', 'Sizaine des Loups roux', 'Sizaine des Loups noirs'],
    participants: [
      ['Léa', 'Bouchard'],
      ['Félix', 'Côté'],
      ['Chloé', 'Pelletier'],
      ['Samuel', 'Lavoie'],
      ['Florence', 'Fortin'],
      ['William', 'Gauthier'],
      ['Alice', 'Morin'],
      ['Thomas', 'Bélanger'],
      ['Rosalie', 'Lévesque'],
      ['Nathan', 'Bergeron'],
      ['Juliette', 'Girard'],
      ['Olivier', 'Paquette'],
    ],
    activities: ['Camp d’hiver au lac Simon', 'Randonnée au mont Saint-Hilaire', 'Soirée des badges'],
    honorReasons: ['Entraide exemplaire', 'Feu de camp réussi', 'Meilleure tente', 'Esprit scout'],
    badges: [
      { key: 'campeur', name: 'Badge du campeur', levels: ['Étoile 1', 'Étoile 2', 'Étoile 3'] },
      { key: 'secourisme', name: 'Premiers soins', levels: ['Niveau 1', 'Niveau 2'] },
      { key: 'nature', name: 'Ami de la nature', levels: ['Étoile 1'] },
    ],
    medications: [
      { name: 'Ventolin (salbutamol)', route: 'inhalé', times: ['08:00', '20:00'], unit: 'bouffée', dose: 2 },
      { name: 'Concerta', route: 'oral', times: ['07:30'], unit: 'mg', dose: 18 },
    ],
    vehicles: [
      ['Toyota Sienna', 'gris'],
      ['Honda CR-V', 'bleu'],
    ],
  },
  b: {
    name: '3rd Riverside Cub Pack',
    locale: 'en' as const,
    timeZone: 'America/Vancouver',
    users: [{ email: 'leader@pack-b.test', name: 'Sarah Mitchell', role: 'leader' as const }],
    groups: ['Red Six', 'Blue Six', 'Green Six'],
    participants: [
      ['Emily', 'Johnson'],
      ['Liam', 'Smith'],
      ['Olivia', 'Brown'],
      ['Noah', 'Wilson'],
      ['Ava', 'Taylor'],
      ['Ethan', 'Anderson'],
      ['Sophie', 'Clark'],
      ['Jack', 'Walker'],
      ['Mia', 'Young'],
      ['Lucas', 'King'],
    ],
    activities: ['Spring camp at Silver Lake', 'Canoe day on the river', 'Badge night'],
    honorReasons: ['Helped a friend', 'Great campfire song', 'Tidy tent', 'Scout spirit'],
    badges: [
      { key: 'camper', name: 'Camper badge', levels: ['Star 1', 'Star 2', 'Star 3'] },
      { key: 'first-aid', name: 'First aid', levels: ['Level 1', 'Level 2'] },
      { key: 'naturalist', name: 'Naturalist', levels: ['Star 1'] },
    ],
    medications: [
      { name: 'EpiPen (epinephrine)', route: 'injection', times: [], unit: 'mg', dose: 0.3 },
      { name: 'Cetirizine', route: 'oral', times: ['08:00'], unit: 'mg', dose: 10 },
    ],
    vehicles: [
      ['Ford Explorer', 'black'],
      ['Subaru Outback', 'green'],
    ],
  },
};

export type DemoOrganization = (typeof DEMO)['a'] | (typeof DEMO)['b'];
