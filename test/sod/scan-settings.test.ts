import { describe, expect, it } from 'vitest';
import { loadScanSettings, scheduleProblem } from '../../src/sod/scan/scan-settings.js';

const URL_OK = 'https://contosoreports.blob.core.windows.net/sod-reports';

describe('the scheduled scan is off unless SOD_SCAN_SCHEDULE is set', () => {
  it('no settings: no scan', () => {
    expect(loadScanSettings({})).toBeUndefined();
    expect(loadScanSettings({ SOD_SCAN_SCHEDULE: '  ' })).toBeUndefined();
  });

  it('a container without a schedule is a mistake worth stopping for', () => {
    expect(() => loadScanSettings({ SOD_SCAN_BLOB_URL: URL_OK })).toThrow(/SOD_SCAN_BLOB_URL is set but SOD_SCAN_SCHEDULE is not/);
  });

  it('a schedule and a container', () => {
    expect(loadScanSettings({ SOD_SCAN_SCHEDULE: ' 0  30 2 * * MON-FRI ', SOD_SCAN_BLOB_URL: `${URL_OK}/` })).toEqual({ schedule: '0 30 2 * * MON-FRI', containerUrl: URL_OK });
  });
});

describe('NCRONTAB schedules', () => {
  it.each(['0 0 2 * * *', '*/30 * * * * *', '0 0 */6 * * *', '0 5,35 8-18 * * 1-5', '0 0 0 1 JAN,jul *', '0 0 3 * * SUN', '0 0 0 31 12 6', '0 0 9-17/2 * * *'])('accepts "%s"', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    ['five fields (plain cron)', '0 2 * * *', /has 5 fields; NCRONTAB needs six: second minute hour day month day-of-week/],
    ['seven fields', '0 0 2 * * * 2026', /has 7 fields/],
    ['a second out of range', '60 0 2 * * *', /the second field "60" is not valid \(0-59/],
    ['an hour out of range', '0 0 24 * * *', /the hour field "24"/],
    ['day 0', '0 0 0 0 * *', /the day field "0" is not valid \(1-31/],
    ['month 13', '0 0 0 1 13 *', /the month field "13"/],
    ['an unknown month name', '0 0 0 1 JUNE *', /the month field "JUNE"/],
    ['day of week 7', '0 0 0 * * 7', /the day of week field "7" is not valid \(0-6/],
    ['a day name in the month field', '0 0 0 * MON *', /the month field "MON"/],
    ['a reversed range', '0 0 18-8 * * *', /the hour field "18-8"/],
    ['a zero step', '0 */0 * * * *', /the minute field "\*\/0"/],
    ['garbage', '0 0 two * * *', /the hour field "two"/],
    ['an empty list item', '0 0 1,,2 * * *', /the hour field "1,,2"/],
    ['a TimeSpan (not NCRONTAB)', '00:05:00', /has 1 fields/],
  ])('refuses %s', (_name, expression, message) => {
    expect(scheduleProblem(expression)).toMatch(message);
  });
});

describe('bad settings stop start-up with one message naming each', () => {
  it.each([
    ['a bad schedule', { SOD_SCAN_SCHEDULE: '0 2 * * *', SOD_SCAN_BLOB_URL: URL_OK }, /invalid settings: SOD_SCAN_SCHEDULE: "0 2 \* \* \*" has 5 fields/],
    ['no container', { SOD_SCAN_SCHEDULE: '0 0 2 * * *' }, /SOD_SCAN_BLOB_URL is missing \(the container the scan writes its reports to\)/],
    ['not a URL', { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: 'contoso/reports' }, /SOD_SCAN_BLOB_URL must be a blob container URL such as https:\/\/<account>\.blob\.core\.windows\.net\/<container>/],
    ['http', { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: 'http://contoso.blob.core.windows.net/reports' }, /SOD_SCAN_BLOB_URL must be an https URL/],
    ['a SAS token', { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: `${URL_OK}?sv=2024&sig=abc` }, /must carry no query \(no SAS token\), fragment or credentials: the managed identity signs in/],
    ['no container in the path', { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: 'https://contoso.blob.core.windows.net/' }, /must name one container after the host/],
    ['a blob path', { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: `${URL_OK}/sod-scan/latest.csv` }, /must name one container after the host/],
    ['an invalid container name', { SOD_SCAN_SCHEDULE: '0 0 2 * * *', SOD_SCAN_BLOB_URL: 'https://contoso.blob.core.windows.net/SOD_Reports' }, /must name one container/],
    ['both at once', { SOD_SCAN_SCHEDULE: 'daily', SOD_SCAN_BLOB_URL: 'ftp://x/y' }, /SOD_SCAN_SCHEDULE: "daily" has 1 fields.*; SOD_SCAN_BLOB_URL must be an https URL/],
  ])('%s', (_name, env, message) => {
    expect(() => loadScanSettings(env)).toThrow(message);
    expect(() => loadScanSettings(env)).toThrow(expect.objectContaining({ code: 'CONFIG.INVALID' }) as Error);
  });
});
