// audits.mjs - runs graphql-http's serverAudits (the GraphQL-over-HTTP
// reference audit suite) against our endpoint with the suite's API key.
// usage: node audits.mjs URL KEY   Prints one line per audit:
// "<ok|warn|error|notice> <id> <MUST|SHOULD|MAY ...> [:: reason]".
import { serverAudits } from 'graphql-http';

const [url, key] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
};
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  const reason = result.status === 'ok' ? '' : ` :: ${result.reason || ''}`;
  console.log(`${result.status} ${audit.id} ${audit.name}${reason}`.replace(/\n/g, ' '));
}
