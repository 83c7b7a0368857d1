"use client";

import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface RunPoint {
  id: number;
  label: string;
  seconds: number | null;
  changes: number;
}

/** Run durations (full and targeted) and the changes each run made, oldest to newest. */
export function RunsChart({ points }: { points: RunPoint[] }) {
  return (
    <figure className="chart" aria-label="Run durations and changes over time">
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
          <YAxis yAxisId="changes" tick={{ fontSize: 11 }} allowDecimals={false} />
          <YAxis yAxisId="seconds" orientation="right" tick={{ fontSize: 11 }} unit=" s" />
          <Tooltip />
          <Legend />
          <Bar yAxisId="changes" dataKey="changes" name="changes (added + updated + terminated)" fill="#9cb8e6" isAnimationActive={false} />
          <Line yAxisId="seconds" dataKey="seconds" name="duration of full and targeted runs" stroke="#1f5fbf" dot={false} connectNulls isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="visually-hidden">Each bar is a run's changes; the line is how long full and targeted runs took.</figcaption>
    </figure>
  );
}
