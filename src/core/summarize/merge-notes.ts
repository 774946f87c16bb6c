/** Parts' notes as the merge prompt shows them: a list under each part's number. */
export function formatNotes(notesPerPart: readonly string[][]): string {
  return notesPerPart
    .map((notes, index) => `Part ${index + 1}:\n${notes.map((note) => `- ${note}`).join('\n')}`)
    .join('\n\n');
}

/** Consecutive groups of parts whose notes fit the budget together. */
export function groupToBudget(
  notesPerPart: readonly string[][],
  budget: number,
  estimate: (group: string[][]) => number,
): string[][][] {
  const groups: string[][][] = [];
  let current: string[][] = [];
  for (const notes of notesPerPart) {
    if (current.length > 0 && estimate([...current, notes]) > budget) {
      groups.push(current);
      current = [];
    }
    current.push(notes);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
