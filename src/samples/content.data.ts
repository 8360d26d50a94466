// Word lists for synthetic Italian documents. People are random first name + surname pairs (fictitious);
// municipalities are real names, used only as the setting of invented documents.

export interface Municipality {
  name: string; // "Fiorenzuola d'Arda"
  province: string; // "Piacenza"
  phonePrefix: string; // "0523"
}

export const MUNICIPALITIES: readonly Municipality[] = [
  { name: 'Castelnuovo Rangone', province: 'Modena', phonePrefix: '059' },
  { name: 'Villafranca Padovana', province: 'Padova', phonePrefix: '049' },
  { name: 'San Giorgio di Piano', province: 'Bologna', phonePrefix: '051' },
  { name: 'Borgo San Dalmazzo', province: 'Cuneo', phonePrefix: '0171' },
  { name: 'Montecchio Maggiore', province: 'Vicenza', phonePrefix: '0444' },
  { name: 'Cerreto Guidi', province: 'Firenze', phonePrefix: '0571' },
  { name: 'Santa Maria a Vico', province: 'Caserta', phonePrefix: '0823' },
  { name: 'Castiglione del Lago', province: 'Perugia', phonePrefix: '075' },
  { name: 'Gallarate', province: 'Varese', phonePrefix: '0331' },
  { name: "Fiorenzuola d'Arda", province: 'Piacenza', phonePrefix: '0523' },
  { name: 'Sesto al Reghena', province: 'Pordenone', phonePrefix: '0434' },
  { name: 'Bagnacavallo', province: 'Ravenna', phonePrefix: '0545' },
  { name: 'Rende', province: 'Cosenza', phonePrefix: '0984' },
  { name: 'Monte San Savino', province: 'Arezzo', phonePrefix: '0575' },
  { name: 'Corigliano d\'Otranto', province: 'Lecce', phonePrefix: '0836' },
];

/** Birth places for applicants (cities, so "nato a Padova"). */
export const BIRTH_PLACES: readonly string[] = [
  'Padova', 'Bologna', 'Modena', 'Napoli', 'Roma', 'Milano', 'Torino', 'Firenze', 'Vicenza', 'Verona',
  'Cuneo', 'Piacenza', 'Ravenna', 'Cosenza', 'Lecce', 'Bari', 'Palermo', 'Perugia', 'Arezzo', 'Varese',
  'Caserta', 'Pordenone', 'Udine', 'Genova', 'Ferrara', 'Rovigo', 'Salerno', 'Catania',
];

export const MALE_NAMES: readonly string[] = [
  'Mario', 'Giuseppe', 'Luigi', 'Giovanni', 'Antonio', 'Francesco', 'Paolo', 'Carlo', 'Alberto', 'Bruno',
  'Enrico', 'Franco', 'Giorgio', 'Luca', 'Marco', 'Massimo', 'Roberto', 'Sergio', 'Stefano', 'Vittorio',
  'Andrea', 'Davide', 'Fabio', 'Gianni', 'Renato', 'Aldo', 'Pietro', 'Claudio', 'Dario', 'Emilio',
];

export const FEMALE_NAMES: readonly string[] = [
  'Maria', 'Anna', 'Giulia', 'Francesca', 'Laura', 'Paola', 'Rosa', 'Lucia', 'Elena', 'Giovanna',
  'Silvia', 'Chiara', 'Marta', 'Sara', 'Teresa', 'Carla', 'Angela', 'Roberta', 'Daniela', 'Federica',
  'Luisa', 'Patrizia', 'Simona', 'Valeria', 'Bruna', 'Elisa', 'Franca', 'Nadia', 'Rita', 'Irene',
];

export const SURNAMES: readonly string[] = [
  'Rossi', 'Bianchi', 'Ferrari', 'Russo', 'Esposito', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco',
  'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti',
  'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone',
  'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Serra', 'Coppola', 'De Santis', 'Marchetti', 'Parisi', 'Villa',
  'Fabbri', 'Zanetti', 'Bellini', 'Benedetti', 'Guerra', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Neri',
];

export const COMPANY_NAMES: readonly string[] = [
  'Immobiliare Aurora', 'Edil Costruzioni', 'Costruzioni Generali Padane', 'Nuova Edilizia',
  'Immobiliare Il Borgo', 'Edilcasa', 'Residenze del Parco', 'Impresa Edile Fratelli Conti',
  'Tecnoedil', 'Immobiliare San Marco', 'Costruzioni Moretti', 'Edilnord',
];

export const COMPANY_FORMS: readonly string[] = ['S.r.l.', 'S.p.A.', 'S.n.c.', 'S.a.s.'];

export const SUPPLIER_NAMES: readonly string[] = [
  'Cartoleria Moderna', 'Ferramenta Centrale', 'Tipografia Grafica Veneta', 'Elettroimpianti',
  'Verde Servizi', 'Asfalti Stradali', 'Informatica Sistemi', 'Pulizie Splendor', 'Autofficina Rinaldi',
];

export const STREETS: readonly string[] = [
  'Via Roma', 'Via Giuseppe Garibaldi', 'Piazza Garibaldi', 'Corso Matteotti', 'Via Giacomo Matteotti',
  'Via Cavour', 'Via Dante Alighieri', 'Via XX Settembre', 'Via IV Novembre', 'Viale della Repubblica',
  'Via Giuseppe Mazzini', 'Piazza della Libertà', 'Via dei Mille', 'Via Guglielmo Marconi', 'Via Giuseppe Verdi',
  'Via San Francesco', 'Vicolo del Pozzo', 'Largo Europa', 'Via Don Minzoni', 'Via Papa Giovanni XXIII',
  'Via della Stazione', 'Via Provinciale', 'Corso Vittorio Emanuele', 'Via Alessandro Manzoni', 'Via Trieste',
  'Via Trento', 'Piazza del Popolo', 'Via dei Mulini', 'Via Santa Lucia', 'Viale Europa', 'Via Fratelli Cervi',
  'Via Antonio Gramsci', 'Via Aldo Moro', 'Via della Chiesa', 'Via Campagna', 'Strada Vicinale dei Prati',
];

export const TECHNICIAN_TITLES: readonly (readonly [string, string])[] = [
  // [title, register name]
  ['Geom.', 'Collegio dei Geometri'],
  ['Ing.', "Ordine degli Ingegneri"],
  ['Arch.', 'Ordine degli Architetti'],
  ['Per. Ind.', 'Collegio dei Periti Industriali'],
];

export const MONTHS_IT: readonly string[] = [
  'gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno',
  'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre',
];

export const PRG_ZONES: readonly string[] = [
  'zona A centro storico', 'zona B1 residenziale di completamento', 'zona B2 di completamento',
  'zona C1 di espansione residenziale', 'zona C2 di espansione', 'zona D1 produttiva',
  'zona E agricola', 'zona E2 agricola di tutela',
];
