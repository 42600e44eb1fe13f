/**
 * Shortens a long identifier in the middle, keeping its start and the part that tells it
 * apart from its neighbours: the tail after the last separators of an ARN, URL or path
 * (`arn:aws:sts::1111…:assumed-role/SomeoneElse/intruder` keeps `assumed-role/SomeoneElse/intruder`).
 */
const SEPARATORS = /[/:]/;

export function middleEllipsis(value: string, max = 32): string {
  if (value.length <= max) return value;
  const budget = max - 1;
  // The tail (as many whole trailing segments as fit) gets all but a short head: it is what differs.
  const tailMax = budget - Math.min(6, Math.floor(budget / 4));
  let tailStart = value.length;
  for (let i = value.length - 1; i > 0; i--) {
    if (SEPARATORS.test(value[i - 1]!) && value.length - i <= tailMax) tailStart = i;
    if (value.length - i > tailMax) break;
  }
  if (tailStart === value.length) tailStart = value.length - tailMax;
  const tail = value.slice(tailStart);
  const head = value.slice(0, Math.max(1, budget - tail.length));
  return `${head}…${tail}`;
}
