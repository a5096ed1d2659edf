/**
 * Amounts travel as integers in the currency's minor unit (cents; yen have none).
 * Everything that shows or parses money goes through this module.
 */

export const CURRENCIES = {
  USD: { decimals: 2, symbol: '$' },
  EUR: { decimals: 2, symbol: '€' },
  GBP: { decimals: 2, symbol: '£' },
  JPY: { decimals: 0, symbol: '¥' },
};

export const CURRENCY_CODES = Object.keys(CURRENCIES);

const formatters = new Map();

function formatterFor(currency) {
  if (!formatters.has(currency)) {
    const { decimals } = CURRENCIES[currency];
    formatters.set(
      currency,
      new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency,
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
      }),
    );
  }
  return formatters.get(currency);
}

export function decimalsFor(currency) {
  return CURRENCIES[currency]?.decimals ?? 2;
}

/** formatMoney(123450, 'USD') -> "$1,234.50"; formatMoney(5000, 'JPY') -> "¥5,000" */
export function formatMoney(amount, currency) {
  if (!CURRENCIES[currency]) return `${amount} ${currency}`;
  return formatterFor(currency).format(amount / 10 ** decimalsFor(currency));
}

/**
 * Parse what a person typed ("1,234.5", "12") into minor units.
 * Returns NaN for anything that is not a plain non-negative amount in that currency.
 */
export function toMinorUnits(input, currency) {
  const text = String(input ?? '').trim().replace(/,/g, '');
  const decimals = decimalsFor(currency);
  const pattern = decimals > 0 ? new RegExp(`^\\d+(\\.\\d{0,${decimals}})?$`) : /^\d+$/;
  if (!pattern.test(text)) return NaN;
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || 0);
}

/** The inverse of toMinorUnits, for filling an input: 123450 -> "1234.50". */
export function toMajorInput(amount, currency) {
  const decimals = decimalsFor(currency);
  if (decimals === 0) return String(amount);
  const whole = Math.floor(amount / 10 ** decimals);
  const fraction = String(amount % 10 ** decimals).padStart(decimals, '0');
  return `${whole}.${fraction}`;
}
