/**
 * A generated KPI CSV file of accounts × kpis readings for one month, produced in chunks of about
 * 64 KB as an upload would arrive, never whole: the 600,000-row file of issue #16 is
 * 10,000 accounts × 60 KPIs (about 40 MB). Every value is a valid percentage.
 */
export function largeCsv(accounts: number, kpis: number): { rows: number; chunks: () => Generator<Buffer> } {
  return {
    rows: accounts * kpis,
    chunks: function* () {
      let text = 'account,period,category,kpi,value,impact,source,frequency\n';
      for (let a = 0; a < accounts; a++) {
        for (let k = 0; k < kpis; k++) {
          text += `Account ${String(a).padStart(5, '0')},2026-01,Product Usage,Adoption KPI ${k},${(a * 7 + k) % 101}%,High,System,Monthly\n`;
          if (text.length >= 65_536) {
            yield Buffer.from(text);
            text = '';
          }
        }
      }
      yield Buffer.from(text);
    },
  };
}
