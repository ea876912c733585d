// Splits a page's redraw into browser tasks: a cell that starts with `await nextTask();`
// draws in a task of its own, so the charts that one new result redraws (the
// intrinsic-rank page has seven) do not block the page as one long task.
/** Resolves in a new task (setTimeout 0), letting the browser paint and handle input first. */
export const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
