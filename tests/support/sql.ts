/** Runs one parameterised SQL statement on the server's database and returns its rows. */
export type Sql = <R = Record<string, unknown>>(text: string, params?: readonly unknown[]) => Promise<R[]>;
