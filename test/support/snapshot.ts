// The answers of every query endpoint for a set of jobs and tables: what a rebuild must not change.
import { post } from './http.js';

export async function queryAnswers(url: string, jobIds: string[], tables: [string, string][]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const jobId of jobIds) {
    answers.push((await post(url, '/v1/job/query', { job_id: jobId })).body);
    answers.push((await post(url, '/v1/job/task/query', { job_id: jobId })).body);
    for (const component of ['upload_0', 'download_0']) {
      answers.push((await post(url, '/v1/tracking/component/metric/all', { job_id: jobId, component_name: component, role: 'local', party_id: 0 })).body);
    }
  }
  for (const [namespace, table_name] of tables) answers.push((await post(url, '/v1/table/table_info', { namespace, table_name })).body);
  answers.push((await post(url, '/v1/data/upload/history', {})).body);
  answers.push((await post(url, '/v1/job/task/query', {})).body);
  return answers;
}
