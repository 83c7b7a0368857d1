/**
 * The "Source" select of a filter form (Agents, Sync history, Users' import): shown only when there is more than
 * one configuration source to choose from. `all` labels the choice of every source; without it one must be chosen.
 */
export function SourceFilter({ sources, value, all = "All sources" }: { sources: string[]; value: string | null | undefined; all?: string | null }) {
  if (sources.length < 2) return null;
  return (
    <label>
      Source
      <select name="source" defaultValue={value ?? ""}>
        {all !== null && <option value="">{all}</option>}
        {sources.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
