// Tool nodes keyed on uid; $rows: [{uid, props: {name, description, ...}}].
UNWIND $rows AS row
MERGE (t:Tool {uid: row.uid})
SET t += row.props
