/**
 * What the public feedback page says, per language. English is always there; a campaign may add one second language
 * (`/smx campaign new … lang hi`); the QR poster uses the same words. Adding a language = one entry in LANGUAGES.
 */
export interface PageStrings {
  /** BCP 47 tag for the `lang` attribute. */
  tag: string;
  /** The language's own name, for the switch link. */
  selfName: string;
  title: (where: string) => string;
  /** Where, when a campaign has no facility and SMX_HOSPITAL_NAME is unset. */
  defaultWhere: string;
  languageNav: string;
  intro: string;
  ratingLegend: string;
  ratings: readonly [string, string, string, string, string];
  textLabel: string;
  textHint: (max: number) => string;
  privacy: string;
  submit: string;
  honeypotLabel: string;
  errors: {
    noRating: string;
    tooLong: (max: number, given: number) => string;
    honeypot: string;
    failed: string;
    tooLarge: string;
    badType: string;
  };
  thanksTitle: string;
  thanksBody: string;
  reviewInvite: string;
  googleLink: string;
  facebookLink: string;
  closedTitle: string;
  closedBody: string;
  notOpenYet: (day: string) => string;
  notFoundTitle: string;
  notFoundBody: string;
  throttledTitle: string;
  throttledBody: (minutes: number) => string;
  errorTitle: string;
  /** The poster's call to action (QR codes). */
  callToAction: string;
  posterHint: string;
}

const en: PageStrings = {
  tag: 'en',
  selfName: 'English',
  title: (where) => `How was your visit to ${where}?`,
  defaultWhere: 'our hospital',
  languageNav: 'Language',
  intro: 'Your answer helps us improve care. It takes a minute.',
  ratingLegend: 'Your overall rating',
  ratings: ['1 – Very poor', '2 – Poor', '3 – Okay', '4 – Good', '5 – Excellent'],
  textLabel: 'What went well, and what could we do better? (optional)',
  textHint: (max) => `Up to ${max} characters.`,
  privacy:
    'Please do not write your name, phone number or any medical details. We keep only your rating, your words and the date — no cookies, no tracking. Your answer goes to our patient experience team.',
  submit: 'Send feedback',
  honeypotLabel: 'Leave this field empty',
  errors: {
    noRating: 'Please choose a rating from 1 to 5.',
    tooLong: (max, given) =>
      `Please shorten your text to ${max} characters (it has ${given}). Nothing was sent yet.`,
    honeypot: 'This form could not be accepted. Nothing was saved.',
    failed:
      'Sorry, we could not save your feedback just now. Nothing was saved — please try again in a minute.',
    tooLarge: 'That was too much text for this form. Nothing was saved — please shorten it and try again.',
    badType: 'This form could not be read. Nothing was saved — please use the form on this page.',
  },
  thanksTitle: 'Thank you!',
  thanksBody: 'Your feedback has reached our team. We read every answer.',
  reviewInvite: 'If you like, you can also share your experience publicly:',
  googleLink: 'Write a review on Google',
  facebookLink: 'Write a review on Facebook',
  closedTitle: 'This feedback page is closed',
  closedBody: 'Thank you for wanting to help. This campaign has ended, so it no longer takes answers.',
  notOpenYet: (day) => `This feedback page opens on ${day}. Please come back then.`,
  notFoundTitle: 'Page not found',
  notFoundBody: 'We could not find this feedback page. Please check the link or the QR code.',
  throttledTitle: 'Please wait a little',
  throttledBody: (minutes) =>
    `Many answers came from your network in a short time. Nothing was saved — please try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  errorTitle: 'Something went wrong',
  callToAction: 'Tell us how we did',
  posterHint: 'Scan with your phone camera — one minute, no sign-up, no names.',
};

const hi: PageStrings = {
  tag: 'hi',
  selfName: 'हिन्दी',
  title: (where) => `${where} में आपका अनुभव कैसा रहा?`,
  defaultWhere: 'हमारे अस्पताल',
  languageNav: 'भाषा',
  intro: 'आपका जवाब हमें देखभाल बेहतर बनाने में मदद करता है। इसमें एक मिनट लगता है।',
  ratingLegend: 'आपकी कुल रेटिंग',
  ratings: ['1 – बहुत खराब', '2 – खराब', '3 – ठीक-ठाक', '4 – अच्छा', '5 – बहुत बढ़िया'],
  textLabel: 'क्या अच्छा रहा, और हम क्या बेहतर कर सकते हैं? (वैकल्पिक)',
  textHint: (max) => `अधिकतम ${max} अक्षर।`,
  privacy:
    'कृपया अपना नाम, फ़ोन नंबर या कोई चिकित्सा जानकारी न लिखें। हम केवल आपकी रेटिंग, आपके शब्द और तारीख रखते हैं — कोई कुकी नहीं, कोई ट्रैकिंग नहीं। आपका जवाब हमारी रोगी अनुभव टीम तक जाता है।',
  submit: 'फ़ीडबैक भेजें',
  honeypotLabel: 'इस खाने को खाली छोड़ें',
  errors: {
    noRating: 'कृपया 1 से 5 तक कोई रेटिंग चुनें।',
    tooLong: (max, given) => `कृपया अपना संदेश ${max} अक्षरों तक छोटा करें (अभी ${given} हैं)। अभी कुछ भी नहीं भेजा गया।`,
    honeypot: 'यह फ़ॉर्म स्वीकार नहीं किया जा सका। कुछ भी सहेजा नहीं गया।',
    failed: 'क्षमा करें, अभी आपका फ़ीडबैक सहेजा नहीं जा सका। कुछ भी सहेजा नहीं गया — कृपया एक मिनट बाद फिर कोशिश करें।',
    tooLarge: 'इस फ़ॉर्म के लिए संदेश बहुत लंबा था। कुछ भी सहेजा नहीं गया — कृपया छोटा करके फिर भेजें।',
    badType: 'यह फ़ॉर्म पढ़ा नहीं जा सका। कुछ भी सहेजा नहीं गया — कृपया इसी पेज के फ़ॉर्म का उपयोग करें।',
  },
  thanksTitle: 'धन्यवाद!',
  thanksBody: 'आपका फ़ीडबैक हमारी टीम तक पहुँच गया है। हम हर जवाब पढ़ते हैं।',
  reviewInvite: 'आप चाहें तो अपना अनुभव सार्वजनिक रूप से भी साझा कर सकते हैं:',
  googleLink: 'Google पर समीक्षा लिखें',
  facebookLink: 'Facebook पर समीक्षा लिखें',
  closedTitle: 'यह फ़ीडबैक पेज बंद है',
  closedBody: 'मदद करने की इच्छा के लिए धन्यवाद। यह अभियान समाप्त हो गया है, इसलिए अब जवाब नहीं लिए जाते।',
  notOpenYet: (day) => `यह फ़ीडबैक पेज ${day} को खुलेगा। कृपया तब आएँ।`,
  notFoundTitle: 'पेज नहीं मिला',
  notFoundBody: 'यह फ़ीडबैक पेज नहीं मिला। कृपया लिंक या QR कोड जाँचें।',
  throttledTitle: 'कृपया थोड़ा रुकें',
  throttledBody: (minutes) =>
    `आपके नेटवर्क से कम समय में बहुत सारे जवाब आए। कुछ भी सहेजा नहीं गया — कृपया लगभग ${minutes} मिनट बाद फिर कोशिश करें।`,
  errorTitle: 'कुछ गड़बड़ हो गई',
  callToAction: 'हमें बताएँ हमने कैसा किया',
  posterHint: 'अपने फ़ोन के कैमरे से स्कैन करें — एक मिनट, कोई साइन-अप नहीं, कोई नाम नहीं।',
};

/** Every language a page can have; `en` is the default and always offered. */
export const LANGUAGES: Readonly<Record<string, PageStrings>> = { en, hi };

/** Names people may type for a language (`lang hi`, `lang hindi`). */
const ALIASES: Readonly<Record<string, string>> = { english: 'en', hindi: 'hi', हिन्दी: 'hi', हिंदी: 'hi' };

export function languageCode(word: string): string | undefined {
  const w = word.trim().toLowerCase();
  if (LANGUAGES[w]) return w;
  return ALIASES[w];
}

export function stringsFor(code: string | null | undefined): PageStrings {
  return (code && LANGUAGES[code]) || en;
}

export const SECOND_LANGUAGES = Object.keys(LANGUAGES).filter((c) => c !== 'en');
