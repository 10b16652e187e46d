// Reads {"version": "5", "files": [{"name", "text", "browser"}]} on stdin and writes one JSON object a
// finding on stdout: {"name", "severity", "message", "line", "column"} (1-based). Diagnostics come from
// @neo4j-cypher/language-support, Neo4j's Cypher front end compiled to JavaScript. Functions and
// procedures are checked against the library's bundled registry; "parameter not defined" findings
// are dropped because parameters are only bound when the statement runs. Files marked "browser" may
// use Neo4j Browser commands such as `:param`.
import { isNotParamError, lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

let input = '';
for await (const chunk of process.stdin) input += chunk;
const request = JSON.parse(input);
const schema = {
  defaultLanguage: `CYPHER ${request.version ?? '5'}`,
  functions: testData.mockSchema.functions,
  procedures: testData.mockSchema.procedures,
};
for (const file of request.files) {
  const { diagnostics } = lintCypherQuery(file.text, schema, { consoleCommandsEnabled: Boolean(file.browser) });
  for (const d of diagnostics) {
    if (!isNotParamError(d)) continue;
    process.stdout.write(JSON.stringify({
      name: file.name,
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message.replace(/\s+/g, ' ').trim(),
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    }) + '\n');
  }
}
