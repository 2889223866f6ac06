/** The one source of "now": injected through AppContext so tests and benches control time. Never call new Date() for now. */
export type Clock = () => Date;
