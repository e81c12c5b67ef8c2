// The list of benchmark suites `npm run bench` knows. Each returns a markdown table.
export const suites: Record<string, () => Promise<string>> = {};
