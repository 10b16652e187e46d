// Applied at every connect; each statement is idempotent (IF NOT EXISTS).
// Nodes are keyed on our own `uid`, never on elementId (it moves on ArcadeDB when labels change).
CREATE CONSTRAINT spec_uid IF NOT EXISTS FOR (s:Spec) REQUIRE s.uid IS UNIQUE;
CREATE CONSTRAINT tool_uid IF NOT EXISTS FOR (t:Tool) REQUIRE t.uid IS UNIQUE;
CREATE CONSTRAINT param_uid IF NOT EXISTS FOR (p:Param) REQUIRE p.uid IS UNIQUE;
CREATE CONSTRAINT field_uid IF NOT EXISTS FOR (f:Field) REQUIRE f.uid IS UNIQUE;
CREATE INDEX tool_name IF NOT EXISTS FOR (t:Tool) ON (t.name);
CREATE INDEX tool_spec IF NOT EXISTS FOR (t:Tool) ON (t.spec_uid);
CREATE INDEX param_tool IF NOT EXISTS FOR (p:Param) ON (p.tool_uid);
CREATE INDEX field_tool IF NOT EXISTS FOR (f:Field) ON (f.tool_uid)
