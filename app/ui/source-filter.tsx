/**
 * The "Source" select of a filter form (Agents, Sync history): shown only when there is more than one
 * configuration source to choose from.
 */
export function SourceFilter({ sources, value }: { sources: string[]; value: string | null | undefined }) {
  if (sources.length < 2) return null;
  return (
    <label>
      Source
      <select name="source" defaultValue={value ?? ""}>
        <option value="">All sources</option>
        {sources.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
