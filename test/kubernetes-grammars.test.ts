/**
 * Kubernetes' own grammars, replayed in src/config: quantities (resource.ParseQuantity) and names
 * (IsDNS1123Label, IsDNS1123Subdomain, IsFullyQualifiedDomainName), checked against the test vectors of
 * k8s.io/apimachinery itself (kubernetes/apimachinery at commit eed236ce: pkg/api/resource/quantity_test.go,
 * TestQuantityParse and TestParseQuantityString; pkg/util/validation/validation_test.go), copied as written.
 */
import { describe, expect, it } from 'vitest';
import { compareQuantities, parseQuantity, type Quantity } from '../src/config/quantity.ts';
import { isDns1123Label, isDns1123Subdomain, isDnsName, isFullyQualifiedDomainName } from '../src/config/kubernetes-names.ts';

/** decQuantity(mantissa, exponent): mantissa × 10^exponent. */
const dec = (mantissa: bigint | number, exponent: number): Quantity => ({
  negative: mantissa < 0,
  digits: BigInt(mantissa) < 0n ? -BigInt(mantissa) : BigInt(mantissa),
  exponent,
});
const MAX_ALLOWED = dec(2n ** 63n - 1n, 0);

// TestQuantityParse's table: input → the value ParseQuantity must give.
const PARSES: ReadonlyArray<readonly [string, Quantity]> = [
  ['0', dec(0, 0)],
  ['0n', dec(0, 0)],
  ['0u', dec(0, 0)],
  ['0m', dec(0, 0)],
  ['0Ki', dec(0, 0)],
  ['0k', dec(0, 0)],
  ['0Mi', dec(0, 0)],
  ['0M', dec(0, 0)],
  ['0Gi', dec(0, 0)],
  ['0G', dec(0, 0)],
  ['0Ti', dec(0, 0)],
  ['0T', dec(0, 0)],
  ['1', dec(1, 0)],
  ['1Ki', dec(1024, 0)],
  ['8Ki', dec(8 * 1024, 0)],
  ['7Mi', dec(7 * 1024 ** 2, 0)],
  ['6Gi', dec(6 * 1024 ** 3, 0)],
  ['5Ti', dec(5 * 1024 ** 4, 0)],
  ['4Pi', dec(4 * 1024 ** 5, 0)],
  ['3Ei', dec(3n * 1024n ** 6n, 0)],
  ['10Ti', dec(10 * 1024 ** 4, 0)],
  ['100Ti', dec(100 * 1024 ** 4, 0)],
  ['5n', dec(5, -9)],
  ['4u', dec(4, -6)],
  ['3m', dec(3, -3)],
  ['9', dec(9, 0)],
  ['8k', dec(8, 3)],
  ['50k', dec(5, 4)],
  ['7M', dec(7, 6)],
  ['6G', dec(6, 9)],
  ['5T', dec(5, 12)],
  ['40T', dec(4, 13)],
  ['300T', dec(3, 14)],
  ['2P', dec(2, 15)],
  ['1E', dec(1, 18)],
  ['1E-3', dec(1, -3)],
  ['1e3', dec(1, 3)],
  ['1E6', dec(1, 6)],
  ['1e9', dec(1, 9)],
  ['1E12', dec(1, 12)],
  ['1e15', dec(1, 15)],
  ['1E18', dec(1, 18)],
  ['1e14', dec(1, 14)],
  ['1e13', dec(1, 13)],
  ['100.035k', dec(100035, 0)],
  ['0.001', dec(1, -3)],
  ['0.0005k', dec(5, -1)],
  ['0.005', dec(5, -3)],
  ['0.05', dec(5, -2)],
  ['0.5', dec(5, -1)],
  ['0.00050k', dec(5, -1)],
  ['0.00500', dec(5, -3)],
  ['0.05000', dec(5, -2)],
  ['0.50000', dec(5, -1)],
  ['0.5e0', dec(5, -1)],
  ['0.5e-1', dec(5, -2)],
  ['0.5e-2', dec(5, -3)],
  ['10.035M', dec(10035, 3)],
  ['1.2e3', dec(12, 2)],
  ['1.3E+6', dec(13, 5)],
  ['1.40e9', dec(14, 8)],
  ['1.53E12', dec(153, 10)],
  ['1.6e15', dec(16, 14)],
  ['1.7E18', dec(17, 17)],
  ['9.01', dec(901, -2)],
  ['8.1k', dec(81, 2)],
  ['7.123456M', dec(7123456, 0)],
  ['6.987654321G', dec(6987654321, 0)],
  ['5.444T', dec(5444, 9)],
  ['40.1T', dec(401, 11)],
  ['300.2T', dec(3002, 11)],
  ['2.5P', dec(25, 14)],
  ['1.01E', dec(101, 16)],
  ['3.001n', dec(4, -9)],
  ['1.1E-9', dec(2, -9)],
  ['0.0000000001', dec(1, -9)],
  ['0.0000000005', dec(1, -9)],
  ['0.00000000050', dec(1, -9)],
  ['0.5e-9', dec(1, -9)],
  ['0.9n', dec(1, -9)],
  ['0.00000012345', dec(124, -9)],
  ['0.00000012354', dec(124, -9)],
  ['9Ei', MAX_ALLOWED],
  ['9223372036854775807Ki', MAX_ALLOWED],
  ['12E', dec(12, 18)],
  ['100.035Ki', dec(10243584, -2)],
  ['0.5Mi', dec(0.5 * 1024 * 1024, 0)],
  ['0.05Gi', dec(536870912, -1)],
  ['0.025Ti', dec(274877906944, -1)],
  ['0.000000000001Ki', dec(2, -9)],
  ['.001', dec(1, -3)],
  ['.0001k', dec(100, -3)],
  ['1.', dec(1, 0)],
  ['1.G', dec(1, 9)],
];

// TestQuantityParse's invalid list, and the empty string.
const REFUSED = ['', '1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ' 1', '1 '];

const show = (q: Quantity | undefined) => (q === undefined ? 'refused' : `${q.negative ? '-' : ''}${q.digits}e${q.exponent}`);

describe('Kubernetes quantities, as k8s.io/apimachinery parses them', () => {
  it("gives apimachinery's value for every input of its own test table, also with a leading - or +", () => {
    for (const [input, expected] of PARSES) {
      const negated = { ...expected, negative: expected.digits !== 0n };
      for (const [text, value] of [
        [input, expected],
        [`-${input}`, negated],
        [`+${input}`, expected],
      ] as const) {
        const parsed = parseQuantity(text);
        expect(parsed, text).toBeDefined();
        expect(compareQuantities(parsed!, value), `${text}: got ${show(parsed)}, expected ${show(value)}`).toBe(0);
      }
    }
  });

  it('refuses what apimachinery refuses', () => {
    for (const input of REFUSED) expect(parseQuantity(input), JSON.stringify(input)).toBeUndefined();
  });

  it("reads parseQuantityString's corner cases as it does: a number without digits is zero, unless it needs arbitrary precision", () => {
    // TestParseQuantityString: "." and "-." scan as 0; ParseQuantity then takes its int64 path for them.
    expect(show(parseQuantity('.'))).toBe('0e0');
    expect(show(parseQuantity('-.'))).toBe('0e0');
    // Below a nano, or an exbibyte, ParseQuantity falls back to inf.Dec, whose SetString wants a digit.
    expect(parseQuantity('.e-12')).toBeUndefined();
    expect(parseQuantity('.Ei')).toBeUndefined();
    // The exponent is a 64-bit integer...
    expect(parseQuantity('1e9223372036854775808')).toBeUndefined();
    // ...that Go then truncates to 32 bits.
    expect(show(parseQuantity('1e4294967297'))).toBe('1e1');
  });

  it('refuses the quantities people get wrong, and compares exactly', () => {
    for (const input of ['1.5 cores', '1GB', '1gi', '512MB', '1,5', '1_000']) expect(parseQuantity(input), input).toBeUndefined();
    expect(compareQuantities(parseQuantity('100e9')!, parseQuantity('100G')!)).toBe(0);
    expect(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1G')!)).toBe(1);
    expect(compareQuantities(parseQuantity('-1Gi')!, parseQuantity('0')!)).toBe(-1);
    expect(compareQuantities(parseQuantity('1e1000000')!, parseQuantity('9Ei')!)).toBe(1);
    expect(compareQuantities(parseQuantity('500m')!, parseQuantity('0.5')!)).toBe(0);
  });
});

describe('Kubernetes names, as k8s.io/apimachinery validates them', () => {
  // TestIsDNS1123Label
  const labelGood = ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)];
  const labelBad = [
    '',
    'A',
    'ABC',
    'aBc',
    'A1',
    'A-1',
    '1-A',
    '-',
    'a-',
    '-a',
    '1-',
    '-1',
    '_',
    'a_',
    '_a',
    'a_b',
    '1_',
    '_1',
    '1_2',
    '.',
    'a.',
    '.a',
    'a.b',
    '1.',
    '.1',
    '1.2',
    ' ',
    'a ',
    ' a',
    'a b',
    '1 ',
    ' 1',
    '1 2',
    'a'.repeat(64),
  ];
  // TestIsDNS1123Subdomain
  const subdomainGood = [
    'a',
    'ab',
    'abc',
    'a1',
    'a-1',
    'a--1--2--b',
    '0',
    '01',
    '012',
    '1a',
    '1-a',
    '1--a--b--2',
    'a.a',
    'ab.a',
    'abc.a',
    'a1.a',
    'a-1.a',
    'a--1--2--b.a',
    'a.1',
    'ab.1',
    'abc.1',
    'a1.1',
    'a-1.1',
    'a--1--2--b.1',
    '0.a',
    '01.a',
    '012.a',
    '1a.a',
    '1-a.a',
    '1--a--b--2',
    '0.1',
    '01.1',
    '012.1',
    '1a.1',
    '1-a.1',
    '1--a--b--2.1',
    'a.b.c.d.e',
    'aa.bb.cc.dd.ee',
    '1.2.3.4.5',
    '11.22.33.44.55',
    'a'.repeat(253),
  ];
  const subdomainBad = [
    '',
    'A',
    'ABC',
    'aBc',
    'A1',
    'A-1',
    '1-A',
    '-',
    'a-',
    '-a',
    '1-',
    '-1',
    '_',
    'a_',
    '_a',
    'a_b',
    '1_',
    '_1',
    '1_2',
    '.',
    'a.',
    '.a',
    'a..b',
    '1.',
    '.1',
    '1..2',
    ' ',
    'a ',
    ' a',
    'a b',
    '1 ',
    ' 1',
    '1 2',
    'A.a',
    'aB.a',
    'ab.A',
    'A1.a',
    'a1.A',
    'A.1',
    'aB.1',
    'A1.1',
    '1A.1',
    '0.A',
    '01.A',
    '012.A',
    '1A.a',
    '1a.A',
    'A.B.C.D.E',
    'AA.BB.CC.DD.EE',
    'a.B.c.d.e',
    'aa.bB.cc.dd.ee',
    'a@b',
    'a,b',
    'a_b',
    'a;b',
    'a:b',
    'a%b',
    'a?b',
    'a$b',
    'a'.repeat(254),
  ];
  // TestIsFullyQualifiedDomainName (its trailing-dot form aside: a host here is written without one)
  const fqdnGood = [
    'a.com',
    'k8s.io',
    'dev.k8s.io',
    'foo.example.com',
    'this.is.a.really.long.fqdn',
    'bbc.co.uk',
    '10.0.0.1',
    'hyphens-are-good.k8s.io',
    `${'a'.repeat(63)}.k8s.io`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(54)}.k8s.io`,
  ];
  const fqdnBad = [
    '.',
    '...',
    '.io',
    'com',
    '.com',
    'Dev.k8s.io',
    '.foo.example.com',
    '*.example.com',
    '*.bar.com',
    '*.foo.bar.com',
    'underscores_are_bad.k8s.io',
    'foo@bar.example.com',
    'http://foo.example.com',
    `${'a'.repeat(64)}.k8s.io`,
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(55)}.k8s.io`,
  ];

  it('DNS-1123 labels', () => {
    for (const value of labelGood) expect(isDns1123Label(value), value).toBe(true);
    for (const value of labelBad) expect(isDns1123Label(value), value).toBe(false);
  });

  it('DNS-1123 subdomains', () => {
    for (const value of subdomainGood) expect(isDns1123Subdomain(value), value).toBe(true);
    for (const value of subdomainBad) expect(isDns1123Subdomain(value), value).toBe(false);
  });

  it('fully qualified domain names', () => {
    for (const value of fqdnGood) expect(isFullyQualifiedDomainName(value), value).toBe(true);
    for (const value of fqdnBad) expect(isFullyQualifiedDomainName(value), value).toBe(false);
  });

  it('an Ingress host: a DNS name, never an IPv4 address (leading zeros too, as ParseIPSloppy reads them)', () => {
    for (const value of ['hivebox.example.com', '1.2.3', '1.2.3.4.5', '256.1.1.1']) expect(isDnsName(value), value).toBe(true);
    for (const value of ['10.0.0.1', '010.000.000.001', '255.255.255.255', '0.0.0.0']) expect(isDnsName(value), value).toBe(false);
  });
});
