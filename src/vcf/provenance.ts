import { VERSION } from '../version.js';

/** `##vcf-agent_<cmd>Version` / `##vcf-agent_<cmd>Command` header lines, bcftools style. */
export function provenanceLines(command: string, commandLine?: string): string[] {
  const date = new Date().toUTCString();
  return [
    `##vcf-agent_${command}Version=${VERSION}`,
    `##vcf-agent_${command}Command=${commandLine ?? command}; Date=${date}`,
  ];
}
